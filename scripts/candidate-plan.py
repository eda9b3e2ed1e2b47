#!/usr/bin/env python3
"""A candidate plan scored from each run's decision, against the plan the rules train (docs/design/suite.md: stop 41's
"A familiar domain: the single plan and a linear head averaged", stop 45's "A sixth member on TINY data").

Usage: scripts/candidate-plan.py CANDIDATE RESULTS DECISIONS SPLIT [TASK,TASK...] > table.md

CANDIDATE: familiar-pair or tiny-linear (below). RESULTS: suite records holding the candidate's trials (a copy trained by its
candidate build, docs/benchmarks/CANDIDATE-candidate.patch). DECISIONS: `advisor bench suite --report-only --results RESULTS
--decisions FILE`. SPLIT: calibration or held-out; TASKS: only these (a clean check).
- familiar-pair: where the rules take, for the model they pick, the single plan of a familiar domain (FINETUNE_ABOVE at the
  model's cut below the top, overall similarity >= similarity.familiar, under size.medium.perClass training images per class),
  the ENSEMBLE of that plan and LINEAR_FROZEN (softmax) at the top cut instead.
- tiny-linear: where the rules take, for the model they pick, the five-member ENSEMBLE of its plans (TINY data, not a familiar
  domain), the same five and LINEAR_FROZEN (softmax) at the top cut, six members, instead.
Whole plan per task: the oracle per task (the best seed mean of every trial of every model, the candidate's included) less the
mean over seeds, floored at 0; per run: the run's best trial of any model less the plan's. Points. Gain = the rules' plan's
regret less the candidate's, paired by task, 95% bootstrap interval (10,000 resamples over tasks, seed 41).
"""
import collections
import csv
import functools
import json
import os
import random
import statistics as st
import sys

HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@functools.lru_cache(maxsize=None)  # asked once per run: read the file once
def threshold(name):
    with open(os.path.join(HOME, 'rules', 'thresholds.csv')) as f:
        for row in csv.DictReader(f):
            if row['name'] == name:
                return float(row['value'])
    raise SystemExit('no threshold ' + name + ' in rules/thresholds.csv')


@functools.lru_cache(maxsize=None)  # asked once per run: read each profile once
def cuts(model):
    with open(os.path.join(HOME, 'profiles', model + '.json')) as f:
        return tuple(json.load(f)['candidateCuts'])


def member(strategy, cut, grow=0):
    return '%s:%s:%d:SOFTMAX' % (strategy, cut, grow)


def ensemble(members):
    return 'ENSEMBLE|' + '+'.join(members) + '|0|SOFTMAX'


def familiar_pair(key, c, sim, per_class):
    """The pair's key where the rules' plan is a familiar domain's single plan; else None."""
    if key == 'FINETUNE_ABOVE|%s|0|SOFTMAX' % c[-2] and sim >= threshold('similarity.familiar') and per_class < threshold('size.medium.perClass'):
        return ensemble([member('FINETUNE_ABOVE', c[-2]), member('LINEAR_FROZEN', c[-1])])
    return None


def five(c):
    return [member('FINETUNE_ABOVE', c[0]), member('TRUNCATE_GROW', c[len(c) // 2], 1), member('FROM_SCRATCH', '-'),
            member('FINETUNE_ABOVE', c[-2]), member('TRUNCATE_GROW', c[-2], 1)]


def tiny_linear(key, c, sim, per_class):
    """The six members' key where the rules' plan is the five-member ensemble of TINY data; else None."""
    return ensemble(five(c) + [member('LINEAR_FROZEN', c[-1])]) if key == ensemble(five(c)) else None


CANDIDATES = {'familiar-pair': familiar_pair, 'tiny-linear': tiny_linear}


def main(candidate, results, decisions, split, only=None):
    swap = CANDIDATES[candidate]
    recs = [json.loads(line) for line in open(results)]
    prof = {}
    model_of = {}
    for r in recs:
        if r['kind'] == 'task':
            model_of[r['taskHash']] = r['profile']['model']
            size = r['profile']['size']
            prof[(r['task'], r['seed'], r['profile']['model'])] = (r['profile']['similarity'], size['trainImages'] / size['classes'])
    acc = collections.defaultdict(lambda: collections.defaultdict(dict))  # task -> (model, key) -> seed -> accuracy
    for r in recs:
        if r['kind'] == 'trial':
            acc[r['task']][(model_of[r['taskHash']], r['key'])][r['seed']] = r['testAccuracy']
    runs = collections.defaultdict(list)
    for line in open(decisions):
        d = json.loads(line)
        if d['split'] == split and (only is None or d['task'] in only):
            runs[d['task']].append(d)
    rows = []
    missing = []
    for task, ds in runs.items():
        seeds = [d['seed'] for d in ds]
        means = [st.mean(v[s] for s in seeds) for v in acc[task].values() if all(s in v for s in seeds)]
        oracle = max(means)
        rules, cand, run_rules, run_cand = [], [], [], []
        changed = 0
        for d in ds:
            m = d['pick']
            plan = d['advised'][m]
            alt = plan
            sim, per_class = prof[(task, d['seed'], m)]
            key = swap(d['advisedKey'][m], cuts(m), sim, per_class)
            if key is not None:
                got = acc[task].get((m, key), {}).get(d['seed'])
                if got is None:
                    missing.append('%s s%d %s' % (task, d['seed'], m))
                    continue
                alt = got
                changed += 1
            best_run = max(v[d['seed']] for v in acc[task].values() if d['seed'] in v)
            rules.append(plan)
            cand.append(alt)
            run_rules.append(100 * (best_run - plan))
            run_cand.append(100 * (best_run - alt))
        if len(rules) < len(ds):
            continue
        rows.append((task, changed, len(ds), max(0.0, 100 * (oracle - st.mean(rules))), max(0.0, 100 * (oracle - st.mean(cand))),
                     st.mean(run_rules), st.mean(run_cand)))
    if missing:
        raise SystemExit('the candidate is not trained on: ' + ', '.join(missing))
    print('| task | runs changed | rules, per task | candidate, per task | rules, per run | candidate, per run |')
    print('|---|---:|---:|---:|---:|---:|')
    for r in rows:
        if r[1]:
            print('| %s | %d of %d | %.2f | %.2f | %.2f | %.2f |' % r)
    gains = [r[3] - r[4] for r in rows]
    rnd = random.Random(41)
    boot = sorted(st.mean(rnd.choice(gains) for _ in gains) for _ in range(10000))
    print('| **all %d %s tasks** | %d of %d | %.2f | %.2f | %.2f | %.2f |' % (
        len(rows), split, sum(r[1] for r in rows), sum(r[2] for r in rows), st.mean(r[3] for r in rows), st.mean(r[4] for r in rows),
        st.mean(r[5] for r in rows), st.mean(r[6] for r in rows)))
    print()
    print('Gain of the candidate (%s) over the rules\' plan, per task: %+.2f [%+.2f, %+.2f] points (paired by task, 95%% bootstrap); '
          'tasks within 1 point: %d against %d.' % (candidate, st.mean(gains), boot[249], boot[9749], sum(r[4] <= 1 for r in rows),
                                                  sum(r[3] <= 1 for r in rows)))


if __name__ == '__main__':
    if len(sys.argv) not in (5, 6) or sys.argv[1] not in CANDIDATES:
        sys.exit(__doc__.strip().splitlines()[3])
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], set(sys.argv[5].split(',')) if len(sys.argv) == 6 else None)

#!/usr/bin/env python3
"""Stop 41's familiar-pair candidate scored from each run's decision (docs/design/suite.md, "A familiar domain: the single plan
and a linear head averaged").

Usage: scripts/familiar-pair.py RESULTS DECISIONS SPLIT [TASK,TASK...] > table.md

RESULTS: suite records holding the pair's trials (a copy trained by the candidate build of
docs/benchmarks/familiar-pair-candidate.patch). DECISIONS: `advisor bench suite --report-only --results RESULTS --decisions FILE`.
SPLIT: calibration or held-out; TASKS: only these (the clean check). Where the rules take, for the model they pick, the single plan
of a familiar domain (FINETUNE_ABOVE at the model's cut below the top, overall similarity >= similarity.familiar, under
size.medium.perClass training images per class), the candidate trains the ENSEMBLE of that plan and LINEAR_FROZEN (softmax) at the top cut instead.
Whole plan per task: the oracle per task (the best seed mean of every trial of every model) less the mean over seeds, floored at 0;
per run: the run's best trial of any model less the plan's. Points. Gain = the single plan's regret less the pair's, paired by
task, 95% bootstrap interval (10,000 resamples over tasks, seed 41).
"""
import collections
import csv
import json
import os
import random
import statistics as st
import sys

HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def threshold(name):
    with open(os.path.join(HOME, 'rules', 'thresholds.csv')) as f:
        for row in csv.DictReader(f):
            if row['name'] == name:
                return float(row['value'])
    raise SystemExit('no threshold ' + name + ' in rules/thresholds.csv')


def cuts(model):
    with open(os.path.join(HOME, 'profiles', model + '.json')) as f:
        return json.load(f)['candidateCuts']


def main(results, decisions, split, only=None):
    familiar = threshold('similarity.familiar')
    medium = threshold('size.medium.perClass')
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
        single, pair, run_single, run_pair = [], [], [], []
        changed = 0
        for d in ds:
            m = d['pick']
            c = cuts(m)
            plan = d['advised'][m]
            alt = plan
            sim, per_class = prof[(task, d['seed'], m)]
            if d['advisedKey'][m] == 'FINETUNE_ABOVE|%s|0|SOFTMAX' % c[-2] and sim >= familiar and per_class < medium:
                key = 'ENSEMBLE|FINETUNE_ABOVE:%s:0:SOFTMAX+LINEAR_FROZEN:%s:0:SOFTMAX|0|SOFTMAX' % (c[-2], c[-1])
                got = acc[task].get((m, key), {}).get(d['seed'])
                if got is None:
                    missing.append('%s s%d %s' % (task, d['seed'], m))
                    continue
                alt = got
                changed += 1
            best_run = max(v[d['seed']] for v in acc[task].values() if d['seed'] in v)
            single.append(plan)
            pair.append(alt)
            run_single.append(100 * (best_run - plan))
            run_pair.append(100 * (best_run - alt))
        if len(single) < len(ds):
            continue
        rows.append((task, changed, len(ds), max(0.0, 100 * (oracle - st.mean(single))), max(0.0, 100 * (oracle - st.mean(pair))),
                     st.mean(run_single), st.mean(run_pair)))
    if missing:
        raise SystemExit('the pair is not trained on: ' + ', '.join(missing))
    print('| task | runs changed | single plan, per task | pair, per task | single plan, per run | pair, per run |')
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
    print('Gain of the pair over the single plan, per task: %+.2f [%+.2f, %+.2f] points (paired by task, 95%% bootstrap).'
          % (st.mean(gains), boot[249], boot[9749]))


if __name__ == '__main__':
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.strip().splitlines()[3])
    main(sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4].split(',')) if len(sys.argv) == 5 else None)

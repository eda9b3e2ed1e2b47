#!/usr/bin/env python3
"""How far the oracle per task sits above what its own plan does on seeds it never saw (docs/design/suite.md, stop 41).

Usage: scripts/fresh-seeds.py SUITE_RESULTS FRESH_RESULTS SUITE_DECISIONS FRESH_DECISIONS > table.md

SUITE_RESULTS / FRESH_RESULTS: the suite's records (seeds 42-44) and the fresh seeds' own file
(`advisor bench suite --tasks ... --seeds 45,46,47 --results FRESH_RESULTS`). *_DECISIONS: each
run's decision, written by `advisor bench suite --report-only [--results F --seeds S --tasks T]
--decisions FILE`. Per task, for the oracle over both models and for fmnist-cnn's alone: the trial
with the best mean over the suite's seeds, and its drop = (its mean less every trial's mean) on the
suite's seeds minus the same on the fresh seeds, so the effect a seed has on every trial alike
cancels. Also the advisor's regret on the fresh seeds against that trial (a yardstick chosen on
other seeds) beside its regret on the suite's seeds against the oracle per task. Points; 95%
bootstrap intervals over tasks (10,000 resamples, seed 41).
"""
import collections
import json
import random
import statistics as st
import sys


def load(path):
    recs = [json.loads(line) for line in open(path)]
    model = {r['taskHash']: r['profile']['model'] for r in recs if r['kind'] == 'task'}
    acc = collections.defaultdict(lambda: collections.defaultdict(dict))  # task -> (model, key) -> seed -> accuracy
    for r in recs:
        if r['kind'] == 'trial':
            acc[r['task']][(model[r['taskHash']], r['key'])][r['seed']] = r['testAccuracy']
    return acc


def decisions(path):
    out = collections.defaultdict(list)
    for line in open(path):
        d = json.loads(line)
        out[d['task']].append(d)
    return out


def on_every_seed(trials, only=None):
    """Each trial's accuracies at every seed any trial of the task has, for the trials recorded at all of them."""
    seeds = sorted({s for v in trials.values() for s in v})
    return {k: [v[s] for s in seeds] for k, v in trials.items()
            if all(s in v for s in seeds) and (only is None or k[0] == only)}


def interval(xs, rnd):
    means = sorted(st.mean(rnd.choice(xs) for _ in xs) for _ in range(10000))
    return means[249], means[9749]


def main(suite_results, fresh_results, suite_decisions, fresh_decisions):
    old, new = load(suite_results), load(fresh_results)
    dold, dnew = decisions(suite_decisions), decisions(fresh_decisions)
    tasks = [t for t in new if t in old and t in dnew and t in dold]
    rows = []
    for t in tasks:
        row = {'task': t}
        for name, only in (('two', None), ('fm', 'fmnist-cnn')):
            a, b = on_every_seed(old[t], only), on_every_seed(new[t], only)
            common = [k for k in a if k in b]
            mean_a = {k: st.mean(a[k]) for k in common}
            mean_b = {k: st.mean(b[k]) for k in common}
            best = max(common, key=lambda k: mean_a[k])
            all_a, all_b = st.mean(mean_a.values()), st.mean(mean_b.values())
            row[name + '_key'] = best
            row[name + '_drop'] = 100 * ((mean_a[best] - all_a) - (mean_b[best] - all_b))
            pick = (lambda d: d['advised'][d['pick']]) if only is None else (lambda d: d['advised'][only])
            row[name + '_fresh'] = 100 * (mean_b[best] - st.mean(pick(d) for d in dnew[t]))
            row[name + '_suite'] = max(0.0, 100 * (mean_a[best] - st.mean(pick(d) for d in dold[t])))
        rows.append(row)
    rnd = random.Random(41)
    print('| task | oracle trial (both models, chosen on the suite\'s seeds) | drop, both models | drop, fmnist-cnn alone '
          '| advisor vs oracle per task, suite seeds | advisor vs that trial, fresh seeds | fmnist-cnn alone: suite seeds | fresh seeds |')
    print('|---|---|---:|---:|---:|---:|---:|---:|')
    for r in rows:
        m, k = r['two_key']
        print('| %s | %s %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |' % (
            r['task'], m, k, r['two_drop'], r['fm_drop'], r['two_suite'], r['two_fresh'], r['fm_suite'], r['fm_fresh']))
    cols = ('two_drop', 'fm_drop', 'two_suite', 'two_fresh', 'fm_suite', 'fm_fresh')
    cells = []
    for c in cols:
        xs = [r[c] for r in rows]
        lo, hi = interval(xs, rnd)
        cells.append('%.2f [%.2f, %.2f]' % (st.mean(xs), lo, hi))
    print('| **mean over %d tasks** | | %s |' % (len(rows), ' | '.join(cells)))


if __name__ == '__main__':
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[2])
    main(*sys.argv[1:])

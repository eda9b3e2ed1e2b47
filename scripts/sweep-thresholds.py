#!/usr/bin/env python3
"""Sweep thresholds of the rule base on the suite's recorded runs, without training.

Each grid point is a copy of rules/ with the named thresholds set (thresholds.csv), rescored by
`advisor bench suite --report-only --rules DIR --decisions FILE`. From its decisions, the advisor's
whole plan per run: the best trial of any model minus the accuracy of the rules' plan for the model
they take (in points, floored at 0; the suite report's whole-plan regret per run), on every run where
that plan is a recorded trial, averaged over seeds per task, then over tasks. The suite report's own
whole-plan tables also need the ensemble of every model's plan trained, which a changed plan lacks
until `advisor bench suite` trains it; this reads every run at once. The first point is the
baseline: every other point's gain over it, paired by task, gets a 95% bootstrap interval over
tasks. Calibration chooses (lowest mean whole-plan regret); held-out is shown.

usage: scripts/sweep-thresholds.py OUT.md BASELINE POINT [POINT ...]
  a point is NAME=VALUE[,NAME=VALUE...]; run from the repository root, with target/ built;
  SWEEP_RESULTS=FILE reads another results file than docs/benchmarks/suite-results.jsonl,
  SWEEP_JAR=FILE runs another build than target/transfer-advisor.jar.
"""
import csv, io, json, os, random, re, shutil, subprocess, sys, tempfile, time

def run_point(spec, work):
    d = os.path.join(work, re.sub(r'[^A-Za-z0-9.=,-]', '_', spec))
    shutil.copytree('rules', d)
    rows = list(csv.reader(open(os.path.join(d, 'thresholds.csv'), newline='')))
    names = {r[0]: i for i, r in enumerate(rows)}
    for kv in spec.split(','):
        k, v = kv.split('=')
        if k not in names:
            sys.exit('error: no threshold ' + k + ' in rules/thresholds.csv')
        rows[names[k]][1] = v
    buf = io.StringIO()
    csv.writer(buf, lineterminator='\n').writerows(rows)
    open(os.path.join(d, 'thresholds.csv'), 'w').write(buf.getvalue())
    out = os.path.join(work, os.path.basename(d) + '.md')
    dec = os.path.join(work, os.path.basename(d) + '.decisions.jsonl')
    env = dict(os.environ, OMP_NUM_THREADS='2')
    subprocess.run(['java', '-Xmx4g', '-Dadvisor.home=' + os.getcwd(), '-jar', os.environ.get('SWEEP_JAR', 'target/transfer-advisor.jar'), 'bench', 'suite',
                    '--report-only', '--rules', d, '--decisions', dec, '-o', out] + (['--results', os.environ['SWEEP_RESULTS']] if os.environ.get('SWEEP_RESULTS') else []), check=True, env=env, stdout=subprocess.DEVNULL)
    return whole_plan(dec)

def whole_plan(path):
    """task -> (split, whole-plan regret per run, mean over the task's scored seeds)."""
    per = {}
    for line in open(path):
        r = json.loads(line)
        acc = r['advised'].get(r['pick'])
        if acc is None:
            continue
        regret = max(0.0, max(r['oracle'].values()) - acc) * 100
        per.setdefault(r['task'], (r['split'], []))[1].append(regret)
    return {t: (split, sum(v) / len(v)) for t, (split, v) in per.items()}

def boot(gains, n=10000):
    rnd = random.Random(42)
    k = len(gains)
    means = sorted(sum(gains[rnd.randrange(k)] for _ in range(k)) / k for _ in range(n))
    return means[int(0.025 * n)], means[int(0.975 * n) - 1]

def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, points = sys.argv[1], sys.argv[2:]
    work = tempfile.mkdtemp(prefix='sweep-thresholds-')
    t0 = time.time()
    res = {p: run_point(p, work) for p in points}
    base = res[points[0]]
    lines = ['| thresholds | calibration: whole plan (worst) | gain over ' + points[0] + ' [95%] | held-out: whole plan (worst) | gain over '
             + points[0] + ' [95%] | tasks changed (cal / held-out) |', '|---|---:|---|---:|---|---:|']
    best = None
    for p in points:
        r = res[p]
        cells = []
        changed = []
        for split in ('calibration', 'held-out'):
            tasks = sorted(t for t, (s, _) in r.items() if s == split and t in base)
            vals = [r[t][1] for t in tasks]
            mean = sum(vals) / len(vals)
            worst = max(tasks, key=lambda t: r[t][1])
            gains = [base[t][1] - r[t][1] for t in tasks]
            g = sum(gains) / len(gains)
            lo, hi = boot(gains)
            cells.append('%.2f (%.1f %s)' % (mean, r[worst][1], worst))
            cells.append('-' if p == points[0] else '%+.2f [%+.2f, %+.2f]' % (g, lo, hi))
            changed.append(str(sum(1 for x in gains if abs(x) > 1e-9)))
            if split == 'calibration' and (best is None or mean < best[1] - 0.005):
                best = (p, mean)
        lines.append('| ' + p + ' | ' + ' | '.join(cells) + ' | ' + ' / '.join(changed) + ' |')
    lines.append('')
    lines.append('Lowest calibration whole plan (a later point replaces an earlier one only below it by more than 0.005): **' + best[0] + '**.')
    hdr = ('Command: `scripts/sweep-thresholds.py ' + ' '.join(sys.argv[1:]) + '`  \nDate: ' + time.strftime('%Y-%m-%dT%H:%M')
           + '; %.1f min; each point rescored by `advisor bench suite --report-only --rules DIR --decisions FILE` (no training).\n\n' % ((time.time() - t0) / 60))
    open(out, 'w').write(hdr + '\n'.join(lines) + '\n')
    print(hdr + '\n'.join(lines))

main()

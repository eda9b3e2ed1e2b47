#!/usr/bin/env python3
"""How far can the probe's evidence take model choice? (issue 9; docs/design/suite.md, stop 38)

Reads the suite's records (docs/benchmarks/suite-results.jsonl) and examples/suite.yaml and scores, per split,
selectors that take one model from what a profile measures: the highest value of one piece of evidence, and the
rules' highest overall similarity with a close call (lead under T) broken by another piece. Model-choice regret
per run = the better model's oracle (best trial) minus the chosen model's, in points; mean over seeds per task,
then over tasks; a task counts as within 1 point when its mean is at most 1. The last row is the ceiling of any
chooser that takes one model per task (the model with the better oracle averaged over the task's seeds).

Read after every held-out record had been seen: it sets nothing. A selector found here may only earn a rule
through the suite's procedure (written before its rows are read, chosen on calibration, checked on new tasks).

Once every run holds the short trial of every model (`advisor bench suite --model-trials`, stop 38), its out-of-fold log
loss is scored as one more piece of evidence (new evidence, not the profile's; its own pre-registered reading is in suite.md).

Usage: scripts/model-choice-ceiling.py [ADVISOR_HOME]  (needs python3 and PyYAML); writes markdown to stdout.
"""
import collections
import json
import sys

import yaml

home = sys.argv[1] if len(sys.argv) > 1 else "."
spec = yaml.safe_load(open(f"{home}/examples/suite.yaml"))
split_of_family = {k: v["split"] for k, v in spec["families"].items()}
split = {t["id"]: split_of_family[t["family"]] for t in spec["tasks"]}

profiles = collections.defaultdict(dict)  # (task, seed) -> model -> profile
model_of_hash = {}
oracle = {}
records = [json.loads(line) for line in open(f"{home}/docs/benchmarks/suite-results.jsonl")]
for r in records:
    if r["kind"] == "task":
        m = r["profile"]["model"]
        profiles[(r["task"], r["seed"])][m] = r["profile"]
        model_of_hash[(r["taskHash"], r["seed"])] = (r["task"], m)
trial_loss = {}  # (task, seed, model) -> the short trial's out-of-fold log loss (bench suite --model-trials, stop 38)
for r in records:
    if r["kind"] == "foldtrial" and (r["taskHash"], r["seed"]) in model_of_hash:
        t, m = model_of_hash[(r["taskHash"], r["seed"])]
        trial_loss[(t, r["seed"], m)] = r["logLoss"]
for r in records:
    if r["kind"] == "trial" and (r["taskHash"], r["seed"]) in model_of_hash:
        t, m = model_of_hash[(r["taskHash"], r["seed"])]
        k = (t, r["seed"], m)
        oracle[k] = max(oracle.get(k, -1.0), r["testAccuracy"])


def evidence(p):
    layers = p["layers"]
    f = {"similarity": p["similarity"],
         "LogME (best layer)": max(l["logme"]["value"] for l in layers if l.get("logme")),
         "probe accuracy (best layer)": max(l["probeAccuracy"]["value"] for l in layers if l.get("probeAccuracy")),
         "source confidence": p["sourceView"]["meanMaxSoftmax"],
         "low source entropy": -p["sourceView"]["normalizedEntropy"],
         # how much target classes map one-to-one onto source classes under the source classifier (stop 44)
         "label overlap": p["sourceView"]["labelOverlap"]}
    for i, l in enumerate(layers):  # cuts by position: the two models name their fourth cut differently
        f[f"similarity at cut {i + 1} of {len(layers)}"] = l["similarity"]
    return f


runs = []
for (t, s), by_model in sorted(profiles.items()):
    if len(by_model) < 2 or any((t, s, m) not in oracle for m in by_model):
        continue
    runs.append({"task": t, "split": split[t], "oracle": {m: oracle[(t, s, m)] for m in by_model},
                 "f": {m: evidence(p) for m, p in by_model.items()}})
    if all((t, s, m) in trial_loss for m in by_model):
        for m in by_model:
            runs[-1]["f"][m]["low short-trial log loss"] = -trial_loss[(t, s, m)]
trials_everywhere = all("low short-trial log loss" in f for r in runs for f in r["f"].values())


def highest(key):
    return lambda r: max(sorted(r["f"]), key=lambda m: (r["f"][m][key], r["f"][m]["similarity"]))


rules = lambda r: max(sorted(r["f"]), key=lambda m: (r["f"][m]["similarity"], r["f"][m]["probe accuracy (best layer)"]))


def close_call(key, lead):
    def pick(r):
        chosen = rules(r)
        runner_up = max((r["f"][m]["similarity"] for m in r["f"] if m != chosen))
        return highest(key)(r) if r["f"][chosen]["similarity"] - runner_up < lead else chosen
    return pick


def score(pick, which):
    per_task = collections.defaultdict(list)
    for r in runs:
        if r["split"] == which:
            per_task[r["task"]].append(100 * (max(r["oracle"].values()) - r["oracle"][pick(r)]))
    means = {t: sum(v) / len(v) for t, v in per_task.items()}
    return sum(means.values()) / len(means), sum(1 for v in means.values() if v <= 1 + 1e-9), len(means)


by_task = collections.defaultdict(list)
for r in runs:
    by_task[r["task"]].append(r)
best_per_task = {t: max(sorted(rs[0]["oracle"]), key=lambda m: sum(r["oracle"][m] for r in rs)) for t, rs in by_task.items()}

keys = list(runs[0]["f"][sorted(runs[0]["f"])[0]].keys())
if not trials_everywhere:  # the short trial is scored only once every run has it (bench suite --model-trials)
    keys = [k for k in keys if k != "low short-trial log loss"]
rows = [("the highest overall similarity (the rules until stop 38)", rules)]
def phrase(k):
    return "the lowest " + k[4:] if k.startswith("low ") else "the highest " + k


rows += [(phrase(k), highest(k)) for k in keys if k != "similarity"]
for lead in (0.02, 0.05, 0.1):
    rows += [(f"similarity; on a lead under {lead} {phrase(k)}", close_call(k, lead)) for k in keys if k != "similarity"]
rows.append(("*ceiling: one model per task, the better on average over its seeds (picked after the fact)*",
             lambda r: best_per_task[r["task"]]))

print("| selector | calibration: regret (pts) | calibration: tasks within 1 pt | held-out: regret (pts) | held-out: tasks within 1 pt |")
print("|---|---:|---:|---:|---:|")
for name, pick in rows:
    c, h = score(pick, "calibration"), score(pick, "held-out")
    print(f"| {name} | {c[0]:.2f} | {c[1]} of {c[2]} | {h[0]:.2f} | {h[1]} of {h[2]} |")
print()
print(f"{len(runs)} runs with both models' oracles; 90% of the held-out tasks is {-(-9 * score(rules, 'held-out')[2] // 10)}.")

package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.SuiteAnalysis.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Which ENSEMBLE of one model's plans (TrialKey#planEnsembles) the rules train, set on the
 * calibration runs of every model of the suite where the rules ensemble a model's plans: TINY,
 * SMALL and MEDIUM data, except TINY and SMALL data at or above similarity.familiar (familiar-domain
 * trains one plan there). Regret per run against that model's oracle, averaged over seeds per task,
 * then over every (model, task); per size group and number of members the lowest calibration regret,
 * and a larger ensemble only where its paired gain's 95% interval lies above zero ({@link #steps}). Since stop 45/46 the same
 * choice is also made on the whole plan ({@link #wholePlanSteps}: the model the rules take, against the best trial of any model),
 * and with several models that is the reading the rules are held to: a member that helps only the model the rules do not take
 * helps no user.
 */
public final class SuitePlanEnsembles {
    private SuitePlanEnsembles() {}

    /** The size groups the choice is made for, in the report's order: TINY, and SMALL with MEDIUM. */
    static final List<String> GROUP_ORDER = List.of("TINY", "SMALL and MEDIUM");

    /** The size group of a rules' size class ("TINY", "SMALL", ...); null for LARGE data, where the rules train one plan. */
    static String group(String size) {
        return switch (size) {
            case "TINY" -> "TINY";
            case "SMALL", "MEDIUM" -> "SMALL and MEDIUM";
            default -> null;
        };
    }

    /** Whether the rules ensemble this run's plans: below LARGE data, and not a familiar domain. */
    static boolean ensembled(String size, double similarity, double familiar) {
        boolean below = size.equals("TINY") || size.equals("SMALL") || size.equals("MEDIUM");
        boolean isFamiliar = (size.equals("TINY") || size.equals("SMALL")) && similarity >= familiar;
        return below && !isFamiliar;
    }

    /** Mean regret over (model, task) of ensemble kind {@code kind} on one split and size group, its worst (model, task), and the runs. */
    record Cell(double mean, double worst, int runs) {}

    /** Each (model, task)'s mean regret over its seeds for ensemble kind {@code kind}, keyed "model task"; and the runs counted. */
    static Map<String, Double> perTask(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size,
                                       double familiar, String split, String group, int kind, int[] runs) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (var e : analyses.entrySet()) {
            List<String> c = cuts.get(e.getKey());
            if (c.size() < 3) {
                continue;
            }
            TrialKey key = TrialKey.planEnsembles(c).get(kind);
            Map<String, double[]> sums = new LinkedHashMap<>();
            for (Run r : e.getValue().runs(split)) {
                String s = size.apply(r);
                if (!group.equals(group(s)) || !ensembled(s, r.taskRun().profile().similarity(), familiar)) {
                    continue;
                }
                double regret = r.regret(key);
                if (Double.isNaN(regret)) {
                    continue;
                }
                runs[0]++;
                double[] acc = sums.computeIfAbsent(r.task().id(), k -> new double[2]);
                acc[0] += regret;
                acc[1]++;
            }
            sums.forEach((t, v) -> out.put(e.getKey() + " " + t, v[0] / v[1]));
        }
        return out;
    }

    static Cell score(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, double familiar,
                      String split, String group, int kind) {
        int[] runs = {0};
        Map<String, Double> t = perTask(analyses, cuts, size, familiar, split, group, kind, runs);
        return new Cell(mean(t), t.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), runs[0]);
    }

    /**
     * One step of the calibration choice: the best ensemble with more members against the one chosen so far, with the paired
     * gain (the chosen one's regret minus the candidate's, per model and task) and its 95% bootstrap interval.
     */
    record Step(int from, int to, double gain, double low, double high, boolean taken) {}

    /**
     * The kind calibration chooses for a size group: per number of members the kind with the lowest regret; a larger
     * ensemble replaces the smaller one chosen so far only where its paired gain's 95% interval lies above zero (each
     * member is a network to train and run). Returns the steps; the last taken step's {@code to} (else the first
     * {@code from}) is the choice. Empty when no run counts.
     */
    static List<Step> steps(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, double familiar,
                            String group, List<String> anyCuts) {
        return choose(TrialKey.planEnsembles(anyCuts), k -> perTask(analyses, cuts, size, familiar, SuiteSpec.CALIBRATION, group, k, new int[1]));
    }

    /** Per number of members the kind with the lowest mean of {@code perTask}, then {@link #stepThrough} from the fewest members up. */
    private static List<Step> choose(List<TrialKey> kinds, java.util.function.IntFunction<Map<String, Double>> perTask) {
        java.util.TreeMap<Integer, Integer> bestBySize = new java.util.TreeMap<>();
        Map<Integer, Map<String, Double>> tasks = new LinkedHashMap<>();
        for (int k = 0; k < kinds.size(); k++) {
            Map<String, Double> t = perTask.apply(k);
            if (t.isEmpty()) {
                continue;
            }
            tasks.put(k, t);
            int members = kinds.get(k).members().size();
            Integer b = bestBySize.get(members);
            if (b == null || mean(t) < mean(tasks.get(b))) {
                bestBySize.put(members, k);
            }
        }
        return stepThrough(bestBySize, tasks);
    }

    /**
     * From the smallest number of members up: a larger ensemble's best kind replaces the one chosen so far only where its
     * gain, paired by task, has a 95% bootstrap interval above zero.
     */
    private static List<Step> stepThrough(java.util.TreeMap<Integer, Integer> bestBySize, Map<Integer, Map<String, Double>> tasks) {
        List<Step> out = new ArrayList<>();
        Integer current = null;
        for (int k : bestBySize.values()) {
            if (current == null) {
                current = k;
                continue;
            }
            Map<String, Double> a = tasks.get(current);
            Map<String, Double> b = tasks.get(k);
            double[] d = SuiteAnalysis.pairedDifferences(a, b);
            double[] ci = SuiteAnalysis.bootstrap(d, 2000, 12345);
            boolean taken = d.length > 0 && ci[0] > 0;
            out.add(new Step(current, k, java.util.Arrays.stream(d).average().orElse(Double.NaN), ci[0], ci[1], taken));
            if (taken) {
                current = k;
            }
        }
        if (out.isEmpty() && current != null) {
            out.add(new Step(current, current, 0, 0, 0, false));
        }
        return out;
    }

    /** What the whole-plan reading needs of a run beyond its Pair: the rules' plan for one model and the rules' size class of that model's profile. */
    public interface Plans {
        TrialKey advised(SuiteModelChoice.Pair run, String model);

        String size(SuiteModelChoice.Pair run, String model);
    }

    /**
     * The whole plan per task with ensemble kind {@code kind} in place of the rules' ENSEMBLE of the picked model's plans (stop 45's
     * pre-registered reading, scripts/candidate-plan.py): on the tasks of one split where, on at least one run, the rules take one
     * model and train one of its plan ensembles in this size group; the task's other runs keep the rules' whole plan. Per task: the
     * best seed mean of any trial of any model less the plan's mean over seeds, floored at 0, in points. A task where {@code kind}
     * is not trained on a run it replaces is left out; {@code runs[0]} counts the runs replaced.
     */
    static Map<String, Double> wholePlanPerTask(List<SuiteModelChoice.Pair> pairs, Map<String, List<String>> cuts, Plans plans, String split,
                                                String group, int kind, int[] runs) {
        Map<String, List<SuiteModelChoice.Pair>> byTask = new LinkedHashMap<>();
        for (SuiteModelChoice.Pair p : pairs) {
            if (p.calibration() == SuiteSpec.CALIBRATION.equals(split)) {
                byTask.computeIfAbsent(p.task().id(), t -> new ArrayList<>()).add(p);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (var e : byTask.entrySet()) {
            double sum = 0;
            int replaced = 0;
            boolean scored = true;
            for (SuiteModelChoice.Pair p : e.getValue()) {
                String m = p.pick();
                List<String> c = SuiteModelChoice.ENSEMBLE.equals(m) ? null : cuts.get(m);
                List<TrialKey> kinds = c == null || c.size() < 3 ? List.of() : TrialKey.planEnsembles(c);
                double acc;
                if (!kinds.isEmpty() && kinds.contains(plans.advised(p, m)) && group.equals(group(plans.size(p, m)))) {
                    acc = kind < kinds.size() ? p.trialAccuracy(m, kinds.get(kind).id()) : Double.NaN;
                    replaced++;
                } else {
                    acc = p.wholePlanAccuracy(m);
                }
                if (Double.isNaN(acc)) {
                    scored = false;
                    break;
                }
                sum += acc;
            }
            if (scored && replaced > 0) {
                runs[0] += replaced;
                out.put(e.getKey(), Math.max(0, (taskOracle(e.getValue()) - sum / e.getValue().size()) * 100));
            }
        }
        return out;
    }

    /** The best seed mean of any trial of any model that every run of the task holds. */
    static double taskOracle(List<SuiteModelChoice.Pair> runs) {
        double best = Double.NEGATIVE_INFINITY;
        for (var byModel : runs.get(0).trials().entrySet()) {
            for (String key : byModel.getValue().keySet()) {
                double sum = 0;
                boolean all = true;
                for (SuiteModelChoice.Pair p : runs) {
                    double acc = p.trialAccuracy(byModel.getKey(), key);
                    all &= !Double.isNaN(acc);
                    sum += acc;
                }
                if (all) {
                    best = Math.max(best, sum / runs.size());
                }
            }
        }
        return best;
    }

    /** The calibration choice (as {@link #steps}) on the whole plan of {@link #wholePlanPerTask}, paired by task. */
    static List<Step> wholePlanSteps(List<SuiteModelChoice.Pair> pairs, Map<String, List<String>> cuts, Plans plans, String group, List<String> anyCuts) {
        return choose(TrialKey.planEnsembles(anyCuts), k -> wholePlanPerTask(pairs, cuts, plans, SuiteSpec.CALIBRATION, group, k, new int[1]));
    }

    /** The kind the steps end at; -1 when there are none. */
    static int chosen(List<Step> steps) {
        int c = steps.isEmpty() ? -1 : steps.get(0).from();
        for (Step s : steps) {
            if (s.taken()) {
                c = s.to();
            }
        }
        return c;
    }

    private static double mean(Map<String, Double> t) {
        return t.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /**
     * @param familiar the rules' similarity.familiar
     * @param rules    the ensemble kind (index into TrialKey#planEnsembles) the rules train per size group
     */
    public static String markdown(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, double familiar,
                                  Map<String, Integer> rules) {
        return markdown(analyses, cuts, size, familiar, rules, List.of(), null);
    }

    /**
     * @param pairs each run every model has complete, with the rules' choice (SuiteModelChoice#pairs); empty: the per-model
     *              reading alone chooses (a suite of one model, where the two readings are the same)
     * @param plans the rules' plan and size class per run and model, for the whole-plan reading
     */
    public static String markdown(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, double familiar,
                                  Map<String, Integer> rules, List<SuiteModelChoice.Pair> pairs, Plans plans) {
        List<String> anyCuts = cuts.values().stream().filter(c -> c.size() >= 3).findFirst().orElse(null);
        if (anyCuts == null) {
            return "No model of the suite has three or more candidate cuts.\n";
        }
        List<TrialKey> kinds = TrialKey.planEnsembles(anyCuts);
        StringBuilder md = new StringBuilder();
        md.append("Every model of the suite, on the runs where the rules ensemble its plans (below LARGE data, and not a familiar domain at ")
                .append("similarity.familiar = ").append(SuiteReport.trim(familiar)).append("): each ENSEMBLE of one model's plans the suite ")
                .append("trains (cuts by position; named here with ").append(String.join(", ", anyCuts)).append("), regret in points against ")
                .append("that model's oracle, mean over seeds per task, then over every model and task (worst in brackets). The calibration ")
                .append("split chooses per size group: for each number of members the ensemble with the lowest regret; a larger one replaces ")
                .append("the smaller chosen so far only where its gain, paired by model and task, has a 95% bootstrap interval above zero, ")
                .append("since every member is one more network to train and to run on every image. Held-out is shown, never used.\n\n");
        md.append("| split | data | runs |");
        StringBuilder sep = new StringBuilder("|---|---|---:|");
        for (TrialKey k : kinds) {
            md.append(' ').append(k.label().replace("ENSEMBLE of ", "")).append(" |");
            sep.append("---:|");
        }
        md.append('\n').append(sep).append('\n');
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            for (String group : GROUP_ORDER) {
                StringBuilder row = new StringBuilder("| " + split + " | " + group + " |");
                int runs = 0;
                StringBuilder cells = new StringBuilder();
                for (int k = 0; k < kinds.size(); k++) {
                    Cell c = score(analyses, cuts, size, familiar, split, group, k);
                    runs = Math.max(runs, c.runs());
                    cells.append(Double.isNaN(c.mean()) ? " - |" : String.format(Locale.ROOT, " %.2f (%.1f) |", c.mean(), c.worst()));
                }
                md.append(row).append(' ').append(runs).append(" |").append(cells).append('\n');
            }
        }
        md.append('\n');
        boolean whole = !pairs.isEmpty();
        for (String group : GROUP_ORDER) {
            List<Step> steps = steps(analyses, cuts, size, familiar, group, anyCuts);
            appendSteps(md, kinds, group, steps);
            int c = chosen(steps);
            md.append(whole ? "Per model (shown; the whole plan below is what the rules are held to), calibration's choice for " : "Chosen on calibration for ")
                    .append(group).append(" data: ").append(c < 0 ? "none" : name(kinds.get(c)));
            md.append(whole ? ".\n" : rulesAgainst(kinds, rules.get(group), c));
        }
        if (!whole) {
            return md.toString();
        }
        md.append("\nThe whole plan (since stop 45, the reading that chooses): on the tasks where the rules take one model and ensemble its plans ")
                .append("on at least one run, each ensemble in place of that model's plan ensemble, the task's other runs keeping the rules' whole ")
                .append("plan; regret in points against the best seed mean of any trial of any model, per task (worst in brackets). The model the ")
                .append("rules do not take does not count here: an ensemble that helps only there helps no user. Held-out is shown, never used.\n\n");
        md.append("| split | data | runs replaced |");
        StringBuilder sep2 = new StringBuilder("|---|---|---:|");
        for (TrialKey k : kinds) {
            md.append(' ').append(name(k)).append(" |");
            sep2.append("---:|");
        }
        md.append('\n').append(sep2).append('\n');
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            for (String group : GROUP_ORDER) {
                int runs = 0;
                StringBuilder cells = new StringBuilder();
                for (int k = 0; k < kinds.size(); k++) {
                    int[] n = {0};
                    Map<String, Double> t = wholePlanPerTask(pairs, cuts, plans, split, group, k, n);
                    runs = Math.max(runs, n[0]);
                    cells.append(t.isEmpty() ? " - |" : String.format(Locale.ROOT, " %.2f (%.1f) |", mean(t),
                            t.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow()));
                }
                md.append("| ").append(split).append(" | ").append(group).append(" | ").append(runs).append(" |").append(cells).append('\n');
            }
        }
        md.append('\n');
        for (String group : GROUP_ORDER) {
            List<Step> steps = wholePlanSteps(pairs, cuts, plans, group, anyCuts);
            appendSteps(md, kinds, group, steps);
            int c = chosen(steps);
            md.append("Chosen on calibration for ").append(group).append(" data, the whole plan: ").append(c < 0 ? "none" : name(kinds.get(c)))
                    .append(rulesAgainst(kinds, rules.get(group), c));
        }
        return md.toString();
    }

    private static String name(TrialKey k) {
        return k.label().replace("ENSEMBLE of ", "");
    }

    private static String rulesAgainst(List<TrialKey> kinds, Integer rules, int chosen) {
        return ". The rules: " + (rules == null ? "none" : name(kinds.get(rules))) + (rules != null && rules == chosen ? " (the same)" : " (differs)") + ".\n";
    }

    private static void appendSteps(StringBuilder md, List<TrialKey> kinds, String group, List<Step> steps) {
        for (Step st : steps) {
            if (st.from() != st.to()) {
                md.append(String.format(Locale.ROOT, "- %s data, %d members over %d: %s over %s, gain %+.2f [%+.2f, %+.2f] points: %s.%n", group,
                        kinds.get(st.to()).members().size(), kinds.get(st.from()).members().size(), name(kinds.get(st.to())),
                        name(kinds.get(st.from())), st.gain(), st.low(), st.high(), st.taken() ? "taken" : "not taken"));
            }
        }
    }
}

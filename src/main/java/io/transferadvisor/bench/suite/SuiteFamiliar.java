package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.SuiteAnalysis.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Setting similarity.familiar (guards.drl familiar-domain) on the calibration runs of every model:
 * on TINY and SMALL data whose overall similarity reaches the threshold, the familiar plan (since stop 42 the pair of
 * TrialKey#familiarPair: fine-tuning above the cut just below the top averaged with a softmax head on the frozen top cut;
 * until then the fine-tuning alone); below it, the ENSEMBLE of the model's plans that ensemble-plans trains.
 * Regret per run against that model's oracle (its single plans and its plan ensembles), averaged
 * over seeds per task, then over every (model, task).
 */
public final class SuiteFamiliar {
    private SuiteFamiliar() {}

    /** The thresholds tried: 2 never takes the single plan, 0 always does (below MEDIUM data). */
    static final double[] THRESHOLDS = {2, 0.97, 0.95, 0.93, 0.92, 0.91, 0.9, 0.89, 0.88, 0.85, 0.8, 0};

    /** The ensemble the rules train for a run of this size class: {@code kinds} by SuitePlanEnsembles' size groups. */
    static TrialKey ensemble(List<String> cuts, String size, Map<String, Integer> kinds) {
        Integer k = kinds.get(SuitePlanEnsembles.group(size));
        return TrialKey.planEnsembles(cuts).get(k == null ? 1 : k);
    }

    /** One policy's result on one split: mean and worst over (model, task), each model's mean, and how many runs took the single plan. */
    record Row(Map<String, Double> byModel, int single, int runs, Map<String, Double> perTask) {
        /** The mean over (model, task), NaN without any. */
        double mean() {
            return perTask.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        /** The first (model, task) with the highest regret, "-" without any. */
        String worstTask() {
            String w = "-";
            for (Map.Entry<String, Double> e : perTask.entrySet()) {
                if (w.equals("-") || e.getValue() > perTask.get(w)) {
                    w = e.getKey();
                }
            }
            return w;
        }

        /** The highest regret of a (model, task), NaN without any. */
        double worst() {
            return perTask.isEmpty() ? Double.NaN : perTask.get(worstTask());
        }
    }

    /**
     * @param analyses each model's analysis, in the suite's model order
     * @param cuts     each model's candidate cuts
     * @param size     the rules' size class of a run's profile ("TINY", "SMALL", ...)
     * @param medium   whether MEDIUM data may take the single plan too
     * @param kinds    the ensemble the rules train below the threshold, per size group (SuitePlanEnsembles#group)
     */
    static Row score(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, String split,
                     double threshold, boolean medium, Map<String, Integer> kinds) {
        Map<String, Double> perTask = new LinkedHashMap<>();
        Map<String, Double> byModel = new LinkedHashMap<>();
        int single = 0;
        int runs = 0;
        for (var e : analyses.entrySet()) {
            List<String> c = cuts.get(e.getKey());
            if (c.size() < 3) {
                continue;
            }
            TrialKey one = TrialKey.familiarPair(c);
            Map<String, double[]> sums = new LinkedHashMap<>();
            for (Run r : e.getValue().runs(split)) {
                String s = size.apply(r);
                boolean scope = s.equals("TINY") || s.equals("SMALL") || (medium && s.equals("MEDIUM"));
                boolean takeOne = scope && r.taskRun().profile().similarity() >= threshold;
                double regret = r.regret(takeOne ? one : ensemble(c, s, kinds));
                if (Double.isNaN(regret)) {
                    continue;
                }
                runs++;
                single += takeOne ? 1 : 0;
                double[] acc = sums.computeIfAbsent(r.task().id(), k -> new double[2]);
                acc[0] += regret;
                acc[1]++;
            }
            double modelSum = 0;
            for (var t : sums.entrySet()) {
                double m = t.getValue()[0] / t.getValue()[1];
                perTask.put(e.getKey() + " " + t.getKey(), m);
                modelSum += m;
            }
            byModel.put(e.getKey(), sums.isEmpty() ? Double.NaN : modelSum / sums.size());
        }
        return new Row(byModel, single, runs, perTask);
    }

    /**
     * The threshold calibration chooses: the lowest regret, a tie (within 0.005 points) going to the lower threshold, which trains
     * fewer networks. The single plan trains fewer networks than the ensemble it replaces, so (docs/design/suite.md, "The asymmetry
     * settled") never taking it would have to gain over the lowest beyond a 95% interval, which on average it cannot: the lowest
     * stands, and {@link #choice} prints that interval for the reader.
     */
    static double chosen(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, Map<String, Integer> kinds) {
        return choice(analyses, cuts, size, kinds).threshold();
    }

    /** What calibration chose and the line that says why: the lowest regret, and never's gain over it with its interval. */
    record Choice(double threshold, String line) {}

    static Choice choice(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, Map<String, Integer> kinds) {
        double best = Double.NaN;
        double bestRegret = Double.POSITIVE_INFINITY;
        Map<Double, Row> rows = new LinkedHashMap<>();
        for (double t : THRESHOLDS) {
            Row row = score(analyses, cuts, size, SuiteSpec.CALIBRATION, t, false, kinds);
            rows.put(t, row);
            double r = row.mean();
            if (SuiteReport.beats(r, t, bestRegret, best)) {
                bestRegret = Math.min(r, bestRegret);
                best = t;
            }
        }
        if (Double.isNaN(best) || best >= NEVER) {
            return new Choice(best, "");
        }
        double[] gain = SuiteAnalysis.pairedDifferences(rows.get(best).perTask(), rows.get(NEVER).perTask());
        double[] ci = SuiteAnalysis.bootstrap(gain, 2000, 12345);
        String line = String.format(Locale.ROOT, "%nLowest on calibration: %s (%.2f points). The familiar plan trains fewer networks, so never taking it "
                        + "(the ensemble of plans) would have to gain over it, paired by model and task, beyond its 95%% interval: %+.2f [%+.2f, %+.2f] "
                        + "points, so the familiar plan is taken.", label(best), bestRegret, SuiteAnalysis.mean(gain), ci[0], ci[1]);
        return new Choice(best, line);
    }

    /** The threshold no similarity reaches: the ensemble of plans everywhere. */
    static final double NEVER = 2;

    /** @param kinds the ensemble the rules train below the threshold, per size group (SuitePlanEnsembles) */
    public static String markdown(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size, double rules,
                                  Map<String, Integer> kinds) {
        List<String> models = new ArrayList<>(analyses.keySet());
        StringBuilder md = new StringBuilder();
        md.append("On TINY and SMALL data whose overall similarity reaches the threshold, the model trains the familiar plan: fine-tuning above the cut ")
                .append("just below the top averaged with a softmax head on the frozen top cut (two networks); below it, it trains the ENSEMBLE of its plans that the rules train for its size (next section). Every model of the suite, each against its own ")
                .append("oracle (its single plans and its plan ensembles): regret in points, mean over seeds per task, then over every model and ")
                .append("task (worst in brackets), each model's mean, and how many runs take the familiar plan. The calibration split chooses: the ")
                .append("lowest regret, a tie (within 0.005) going to the lower threshold, which trains fewer networks, and the familiar plan saves networks, so it ")
                .append("is refused only where never taking it gains over it beyond a 95% interval (docs/design/suite.md); held-out is shown, never ")
                .append("used. The last row lets MEDIUM data take the familiar plan too at the rules' threshold: no calibration run of MEDIUM data ")
                .append("was that similar, so calibration cannot tell it apart and the rule stays below MEDIUM.\n\n");
        StringBuilder head = new StringBuilder("| similarity.familiar | calibration regret |");
        StringBuilder sep = new StringBuilder("|---|---:|");
        for (String m : models) {
            head.append(' ').append(m).append(" |");
            sep.append("---:|");
        }
        head.append(" familiar plans | held-out regret |");
        sep.append("---:|---:|");
        for (String m : models) {
            head.append(' ').append(m).append(" |");
            sep.append("---:|");
        }
        head.append(" familiar plans |");
        sep.append("---:|");
        md.append(head).append('\n').append(sep).append('\n');
        for (double t : THRESHOLDS) {
            md.append(row(label(t), analyses, cuts, size, t, false, models, kinds));
        }
        if (!Double.isNaN(rules)) {
            md.append(row(SuiteReport.trim(rules) + ", MEDIUM data too", analyses, cuts, size, rules, true, models, kinds));
        }
        Choice choice = choice(analyses, cuts, size, kinds);
        double c = choice.threshold();
        md.append(choice.line());
        md.append("\nChosen on calibration: ").append(label(c)).append(". The rules: ")
                .append(Double.isNaN(rules) ? "none" : SuiteReport.trim(rules) + (Math.abs(rules - c) < 1e-9 ? " (the same)" : " (differs)"))
                .append(".\n");
        return md.toString();
    }

    private static String label(double t) {
        return t > 1 ? "never (2)" : t <= 0 ? "always (0)" : SuiteReport.trim(t);
    }

    private static String row(String label, Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts, Function<Run, String> size,
                              double t, boolean medium, List<String> models, Map<String, Integer> kinds) {
        StringBuilder md = new StringBuilder("| ").append(label).append(" |");
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            Row r = score(analyses, cuts, size, split, t, medium, kinds);
            md.append(String.format(Locale.ROOT, " %.2f (%.1f) |", r.mean(), r.worst()));
            for (String m : models) {
                md.append(String.format(Locale.ROOT, " %.2f |", r.byModel().getOrDefault(m, Double.NaN)));
            }
            md.append(' ').append(r.single()).append(" of ").append(r.runs()).append(" |");
        }
        return md.append('\n').toString();
    }
}

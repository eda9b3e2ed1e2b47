package io.transferadvisor.bench.suite;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.Recommender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which source model the rules choose when a task is probed with every model of the suite, judged
 * against each model's own oracle (issue 9). A run counts when every model's oracle candidates
 * are recorded. Regret of a choice = the best model's oracle minus the chosen model's oracle, in
 * points; of an ensemble, the best model's oracle minus the ensemble of each model's best trial
 * ({@link SuiteEnsembles}).
 */
public final class SuiteModelChoice {
    /** The pick the rules make when they ensemble. */
    public static final String ENSEMBLE = "ENSEMBLE";

    /**
     * One task at one seed, probed and searched with every model.
     *
     * @param oracle   each model's best trial accuracy, in the suite's model order
     * @param ensemble the accuracy of the ensemble of each model's best trial, NaN while it is not trained
     * @param top      the model the probe ranks first (highest probe accuracy at its best layer), which the rules take alone
     * @param probeGap the top model's probe accuracy minus the runner-up's, in points (what rule models-ensemble compares with ensemble.maxProbeGap)
     * @param overlap  whether the runner-up's probe interval reaches the top model's lower bound (the threshold-free alternative)
     * @param pick     the model the rules chose from all the profiles, or {@link #ENSEMBLE}
     * @param seconds  the recommendation's wall time
     */
    public record Pair(SuiteSpec.Task task, long seed, boolean calibration, Map<String, Double> oracle, double ensemble, String top,
                       double probeGap, boolean overlap, String pick, double seconds) {
        double best() {
            return oracle.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        /** Points lost by always taking {@code model} ({@link #ENSEMBLE}: the ensemble; NaN while it is not trained). */
        double regret(String model) {
            double acc = ENSEMBLE.equals(model) ? ensemble : oracle.get(model);
            return Double.isNaN(acc) ? Double.NaN : Math.max(0, (best() - acc) * 100);
        }

        /** The ensemble's accuracy minus the top-ranked model's, in points: what ensembling adds over the single model the rules would take. */
        double ensembleGain() {
            return (ensemble - oracle.get(top)) * 100;
        }
    }

    private SuiteModelChoice() {}

    /** The runs every model has complete: per run, each model's analysis run, in the suite's model order. */
    static List<Map<String, SuiteAnalysis.Run>> complete(Map<String, SuiteAnalysis> analyses) {
        List<String> models = new ArrayList<>(analyses.keySet());
        Map<String, Map<String, SuiteAnalysis.Run>> byRun = new LinkedHashMap<>();
        for (String m : models) {
            for (SuiteAnalysis.Run r : analyses.get(m).runs()) {
                byRun.computeIfAbsent(r.task().id() + "|" + r.taskRun().seed(), k -> new LinkedHashMap<>()).put(m, r);
            }
        }
        return byRun.values().stream().filter(runs -> runs.size() == models.size()).toList();
    }

    /**
     * The runs every model has complete, each with the rules' choice and, where trained, the ensemble.
     *
     * @param analyses one analysis per model (its own task hashes), in the suite's model order
     */
    public static List<Pair> pairs(Map<String, SuiteAnalysis> analyses, SuiteResults store, Recommender recommender) {
        List<String> models = new ArrayList<>(analyses.keySet());
        List<Pair> out = new ArrayList<>();
        for (Map<String, SuiteAnalysis.Run> runs : complete(analyses)) {
            Map<String, Double> oracle = new LinkedHashMap<>();
            List<DatasetProfile> profiles = new ArrayList<>();
            String top = null;
            double[] topScore = null;
            for (String m : models) {
                oracle.put(m, runs.get(m).oracle());
                DatasetProfile p = runs.get(m).taskRun().profile();
                profiles.add(p);
                double[] s = Recommender.bestScore(p);
                if (topScore == null || s[0] > topScore[0]) {
                    top = m;
                    topScore = s;
                }
            }
            double runnerUp = Double.NEGATIVE_INFINITY;
            boolean overlap = false;
            for (String m : models) {
                if (!m.equals(top)) {
                    double[] s = Recommender.bestScore(runs.get(m).taskRun().profile());
                    runnerUp = Math.max(runnerUp, s[0]);
                    overlap |= s[2] >= topScore[1];
                }
            }
            double gap = (topScore[0] - runnerUp) * 100;
            SuiteAnalysis.Run first = runs.get(models.get(0));
            double ens = store.ensemble(first.task().id(), first.taskRun().seed(), SuiteEnsembles.hashes(runs), SuiteEnsembles.keys(runs))
                    .map(SuiteResults.EnsembleTrial::testAccuracy).orElse(Double.NaN);
            long t0 = System.nanoTime();
            Plan plan = recommender.recommend(profiles, new Recommender.Request(first.taskRun().profile().dataset(), 10, 30,
                    first.taskRun().seed(), Map.of(), Map.of("command", "bench suite (model choice)"))).plan();
            double secs = (System.nanoTime() - t0) / 1e9;
            String pick = plan.strategy() == Strategy.ENSEMBLE ? ENSEMBLE : plan.models().get(0);
            out.add(new Pair(first.task(), first.taskRun().seed(), first.calibration(), oracle, ens, top, gap, overlap, pick, secs));
        }
        return out;
    }

    /**
     * The report section: per split, each fixed model, always the ensemble, the probe's top model
     * and the rules' choice; then whether an ensemble beats the single model the rules would take,
     * split by the evidence the ensemble rule reads; then per task.
     */
    public static String markdown(List<Pair> pairs, List<String> models, double rulesGap) {
        StringBuilder md = new StringBuilder();
        if (pairs.isEmpty()) {
            return md.append("No run has every model's oracle recorded yet (models: ").append(String.join(", ", models))
                    .append("); run `advisor bench suite` to train them.\n").toString();
        }
        md.append("Each task is probed and searched (every strategy at every cut) with each model: ").append(String.join(", ", models))
                .append(". The ensemble averages the probabilities of each model's best trial, trained again as members of one ENSEMBLE plan. ")
                .append("Regret = the better model's oracle minus the choice's (the chosen model's oracle, or the ensemble's accuracy), in points, ")
                .append("averaged over seeds per task, then over tasks. \"probe's top model\" takes the model with the highest probe accuracy ")
                .append("at its best layer, alone. Runs whose ensemble is not trained yet are not scored for the policies that pick it.\n\n");
        md.append("| split | tasks | runs |");
        for (String m : models) {
            md.append(" always ").append(m).append(" |");
        }
        md.append(" always the ensemble | probe's top model | the rules' choice | tasks within 1 pt (rules) | ensembles chosen | unscored runs |\n|---|---:|---:|");
        md.append("---:|".repeat(models.size())).append("---:|---:|---:|---:|---:|---:|\n");
        for (String split : List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION)) {
            List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList();
            if (ps.isEmpty()) {
                continue;
            }
            Map<String, List<Pair>> byTask = byTask(ps);
            md.append("| ").append(split).append(" | ").append(byTask.size()).append(" | ").append(ps.size()).append(" |");
            for (String m : models) {
                md.append(String.format(Locale.ROOT, " %.2f |", meanOverTasks(byTask, p -> p.regret(m))));
            }
            md.append(String.format(Locale.ROOT, " %s | %.2f |", fmt(meanOverTasks(byTask, p -> p.regret(ENSEMBLE))),
                    meanOverTasks(byTask, p -> p.regret(p.top()))));
            double rules = meanOverTasks(byTask, p -> p.regret(p.pick()));
            long within = byTask.values().stream().filter(l -> {
                double r = mean(l, p -> p.regret(p.pick()));
                return !Double.isNaN(r) && r <= 1.0;
            }).count();
            long ensembles = ps.stream().filter(p -> ENSEMBLE.equals(p.pick())).count();
            long unscored = ps.stream().filter(p -> Double.isNaN(p.regret(p.pick()))).count();
            md.append(String.format(Locale.ROOT, " **%s** | %d of %d | %d | %d |%n", fmt(rules), within, byTask.size(), ensembles, unscored));
        }
        boolean byGap = !Double.isNaN(rulesGap);
        md.append("\n### Does the ensemble beat the single model?\n\n")
                .append("Gain = the ensemble's accuracy minus the probe's top model's oracle, in points (mean over seeds per task, then over tasks; ")
                .append("95% bootstrap interval over tasks), split by the evidence rule models-ensemble reads: ")
                .append(byGap ? "the top model's probe accuracy minus the runner-up's (the probe gap), against the rules' ensemble.maxProbeGap = "
                        + trim(rulesGap) + " points.\n\n" : "whether the runner-up's probe interval reaches the top model's lower bound.\n\n")
                .append("| split | ").append(byGap ? "probe gap" : "probe intervals").append(" | runs | tasks | gain over the top model (pts) | 95% interval | ensemble ahead (runs) |\n")
                .append("|---|---|---:|---:|---:|---|---:|\n");
        for (String split : List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION)) {
            for (boolean close : List.of(true, false)) {
                List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)
                        && (byGap ? p.probeGap() <= rulesGap : p.overlap()) == close && !Double.isNaN(p.ensemble())).toList();
                if (ps.isEmpty()) {
                    continue;
                }
                Map<String, List<Pair>> byTask = byTask(ps);
                double[] perTask = byTask.values().stream().mapToDouble(l -> mean(l, Pair::ensembleGain)).toArray();
                double[] ci = SuiteAnalysis.bootstrap(perTask, 2000, 12345);
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %+.2f | [%+.2f, %+.2f] | %d |%n", split,
                        byGap ? (close ? "<= " : "> ") + trim(rulesGap) : close ? "overlap" : "apart",
                        ps.size(), byTask.size(), SuiteAnalysis.mean(perTask), ci[0], ci[1], ps.stream().filter(p -> p.ensembleGain() > 0).count()));
            }
        }
        md.append("\n### Setting ensemble.maxProbeGap on the calibration runs\n\n")
                .append("Ensemble when the probe gap is at most the threshold, else the top model alone; regret against the better model's oracle ")
                .append("(pts, mean over tasks; worst task in brackets) and the share of runs that train two networks. Only runs whose ensemble is ")
                .append("trained count. The calibration split sets the value (lowest regret; a tie goes to the smaller gap: fewer networks); ")
                .append("held-out is shown, never used.\n\n| ensemble.maxProbeGap | calibration regret | calibration: ensembles | held-out regret | held-out: ensembles |\n")
                .append("|---|---:|---:|---:|---:|\n");
        double chosen = Double.NaN;
        double chosenRegret = Double.POSITIVE_INFINITY;
        for (double g : GAPS) {
            StringBuilder row = new StringBuilder("| " + (g < 0 ? "never (-1)" : g >= 100 ? "always (100)" : trim(g)) + " |");
            for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
                List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split) && !Double.isNaN(p.ensemble())).toList();
                Map<String, List<Pair>> byTask = byTask(ps);
                double reg = meanOverTasks(byTask, p -> p.regret(p.probeGap() <= g ? ENSEMBLE : p.top()));
                double worst = byTask.values().stream().mapToDouble(l -> mean(l, p -> p.regret(p.probeGap() <= g ? ENSEMBLE : p.top()))).max().orElse(Double.NaN);
                long ens = ps.stream().filter(p -> p.probeGap() <= g).count();
                row.append(String.format(Locale.ROOT, " %s (%s) | %d of %d |", fmt(reg), Double.isNaN(worst) ? "-" : String.format(Locale.ROOT, "%.1f", worst),
                        ens, ps.size()));
                if (split.equals(SuiteSpec.CALIBRATION) && !Double.isNaN(reg) && reg < chosenRegret - 1e-9) {
                    chosenRegret = reg;
                    chosen = g;
                }
            }
            md.append(row).append('\n');
        }
        StringBuilder row = new StringBuilder("| interval overlap instead (runner-up's upper bound >= top's lower bound) |");
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split) && !Double.isNaN(p.ensemble())).toList();
            Map<String, List<Pair>> byTask = byTask(ps);
            double reg = meanOverTasks(byTask, p -> p.regret(p.overlap() ? ENSEMBLE : p.top()));
            double worst = byTask.values().stream().mapToDouble(l -> mean(l, p -> p.regret(p.overlap() ? ENSEMBLE : p.top()))).max().orElse(Double.NaN);
            row.append(String.format(Locale.ROOT, " %s (%s) | %d of %d |", fmt(reg), Double.isNaN(worst) ? "-" : String.format(Locale.ROOT, "%.1f", worst),
                    ps.stream().filter(Pair::overlap).count(), ps.size()));
        }
        md.append(row).append('\n');
        md.append(Double.isNaN(chosen) ? "\nNo calibration run has its ensemble trained yet.\n"
                : String.format(Locale.ROOT, "%nLowest calibration regret among the thresholds: %s (%.2f points). The rules have %s.%n", trim(chosen),
                        chosenRegret, byGap ? trim(rulesGap) + (chosen == rulesGap ? "" : ": they differ, so the rules were not set from this table")
                                : "no ensemble.maxProbeGap: they ensemble on interval overlap"));
        md.append("\n| task | split |");
        for (String m : models) {
            md.append(" oracle ").append(m).append(" |");
        }
        md.append(" ensemble | the rules chose | regret (pts) |\n|---|---|").append("---:|".repeat(models.size())).append("---:|---|---:|\n");
        for (Map.Entry<String, List<Pair>> e : byTask(pairs).entrySet()) {
            List<Pair> l = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(l.get(0).calibration() ? SuiteSpec.CALIBRATION : SuiteSpec.HELD_OUT).append(" |");
            for (String m : models) {
                md.append(String.format(Locale.ROOT, " %.4f |", l.stream().mapToDouble(p -> p.oracle().get(m)).average().orElseThrow()));
            }
            double ens = mean(l, Pair::ensemble);
            List<String> picks = l.stream().map(Pair::pick).toList();
            double r = mean(l, p -> p.regret(p.pick()));
            md.append(" ").append(Double.isNaN(ens) ? "n/a" : String.format(Locale.ROOT, "%.4f", ens)).append(" | ").append(String.join(", ", picks))
                    .append(" | ").append(Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.1f", r)).append(" |\n");
        }
        return md.toString();
    }

    /** The ensemble.maxProbeGap values tried on the calibration runs (points; -1 never ensembles, 100 always does). */
    static final double[] GAPS = {-1, 0.5, 1, 2, 3, 5, 8, 12, 20, 100};

    static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static Map<String, List<Pair>> byTask(List<Pair> ps) {
        Map<String, List<Pair>> m = new LinkedHashMap<>();
        for (Pair p : ps) {
            m.computeIfAbsent(p.task().id(), k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    /** Mean over the runs whose value is a number; NaN when none is. */
    static double mean(List<Pair> l, java.util.function.ToDoubleFunction<Pair> f) {
        return l.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    static double meanOverTasks(Map<String, List<Pair>> byTask, java.util.function.ToDoubleFunction<Pair> f) {
        return byTask.values().stream().mapToDouble(l -> mean(l, f)).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }
}

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
 * points. The suite trains no ensembles, so a run where the rules choose one is counted, not scored.
 */
public final class SuiteModelChoice {
    /** The pick the rules make when they ensemble. */
    public static final String ENSEMBLE = "ENSEMBLE";

    /**
     * One task at one seed, probed and searched with every model.
     *
     * @param oracle  each model's best trial accuracy, in the suite's model order
     * @param pick    the model the rules chose from all the profiles, or {@link #ENSEMBLE}
     * @param seconds the recommendation's wall time
     */
    public record Pair(SuiteSpec.Task task, long seed, boolean calibration, Map<String, Double> oracle, String pick, double seconds) {
        double best() {
            return oracle.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        /** Points lost by always taking {@code model}. */
        double regret(String model) {
            return Math.max(0, (best() - oracle.get(model)) * 100);
        }
    }

    private SuiteModelChoice() {}

    /**
     * The runs every model has complete, each with the rules' choice.
     *
     * @param analyses one analysis per model (its own task hashes), in the suite's model order
     */
    public static List<Pair> pairs(Map<String, SuiteAnalysis> analyses, Recommender recommender) {
        List<String> models = new ArrayList<>(analyses.keySet());
        Map<String, Map<String, SuiteAnalysis.Run>> byRun = new LinkedHashMap<>();
        for (String m : models) {
            for (SuiteAnalysis.Run r : analyses.get(m).runs()) {
                byRun.computeIfAbsent(r.task().id() + "|" + r.taskRun().seed(), k -> new LinkedHashMap<>()).put(m, r);
            }
        }
        List<Pair> out = new ArrayList<>();
        for (Map<String, SuiteAnalysis.Run> runs : byRun.values()) {
            if (runs.size() != models.size()) {
                continue;
            }
            Map<String, Double> oracle = new LinkedHashMap<>();
            List<DatasetProfile> profiles = new ArrayList<>();
            for (String m : models) {
                oracle.put(m, runs.get(m).oracle());
                profiles.add(runs.get(m).taskRun().profile());
            }
            SuiteAnalysis.Run first = runs.get(models.get(0));
            long t0 = System.nanoTime();
            Plan plan = recommender.recommend(profiles, new Recommender.Request(first.taskRun().profile().dataset(), 10, 30,
                    first.taskRun().seed(), Map.of(), Map.of("command", "bench suite (model choice)"))).plan();
            double secs = (System.nanoTime() - t0) / 1e9;
            String pick = plan.strategy() == Strategy.ENSEMBLE ? ENSEMBLE : plan.models().get(0);
            out.add(new Pair(first.task(), first.taskRun().seed(), first.calibration(), oracle, pick, secs));
        }
        return out;
    }

    /** The report section: per split, each fixed model and the rules' choice; then per task. */
    public static String markdown(List<Pair> pairs, List<String> models) {
        StringBuilder md = new StringBuilder();
        if (pairs.isEmpty()) {
            return md.append("No run has every model's oracle recorded yet (models: ").append(String.join(", ", models))
                    .append("); run `advisor bench suite` to train them.\n").toString();
        }
        md.append("Each task is probed and searched (every strategy at every cut) with each model: ").append(String.join(", ", models))
                .append(". Regret = the better model's oracle minus the chosen model's, in points, averaged over seeds per task, then over tasks. ")
                .append("The suite trains no ensembles: runs where the rules ensemble are counted, not scored.\n\n");
        md.append("| split | tasks | runs |");
        for (String m : models) {
            md.append(" always ").append(m).append(" |");
        }
        md.append(" the rules' choice (single-model picks) | tasks within 1 pt | ensembles chosen (not scored) |\n|---|---:|---:|");
        md.append("---:|".repeat(models.size())).append("---:|---:|---:|\n");
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
            double rules = meanOverTasks(byTask, p -> ENSEMBLE.equals(p.pick()) ? Double.NaN : p.regret(p.pick()));
            long within = byTask.values().stream().filter(l -> {
                double r = mean(l, p -> ENSEMBLE.equals(p.pick()) ? Double.NaN : p.regret(p.pick()));
                return !Double.isNaN(r) && r <= 1.0;
            }).count();
            long ensembles = ps.stream().filter(p -> ENSEMBLE.equals(p.pick())).count();
            md.append(String.format(Locale.ROOT, " **%.2f** on %d runs | %d of %d | %d |%n", rules, ps.size() - ensembles, within, byTask.size(),
                    ensembles));
        }
        md.append("\n| task | split |");
        for (String m : models) {
            md.append(" oracle ").append(m).append(" |");
        }
        md.append(" the rules chose | regret (pts) |\n|---|---|").append("---:|".repeat(models.size())).append("---|---:|\n");
        for (Map.Entry<String, List<Pair>> e : byTask(pairs).entrySet()) {
            List<Pair> l = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(l.get(0).calibration() ? SuiteSpec.CALIBRATION : SuiteSpec.HELD_OUT).append(" |");
            for (String m : models) {
                md.append(String.format(Locale.ROOT, " %.4f |", l.stream().mapToDouble(p -> p.oracle().get(m)).average().orElseThrow()));
            }
            List<String> picks = l.stream().map(Pair::pick).toList();
            double r = mean(l, p -> ENSEMBLE.equals(p.pick()) ? Double.NaN : p.regret(p.pick()));
            md.append(" ").append(String.join(", ", picks)).append(" | ").append(Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.1f", r))
                    .append(" |\n");
        }
        return md.toString();
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

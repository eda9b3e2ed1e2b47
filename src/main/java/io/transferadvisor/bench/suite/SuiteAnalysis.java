package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.SuiteResults.TaskRun;
import io.transferadvisor.bench.suite.SuiteResults.Trial;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Scores the advisor and the fixed policies on the suite's results. Per run (a task at a seed):
 * the oracle is the best test accuracy of every trial made on it; a policy's regret is the oracle
 * minus the accuracy of the trial it picks, in points. Per split: the mean over tasks of each
 * task's mean over seeds, its 95% interval (bootstrap over tasks), the worst task, the worst run,
 * and how often the policy is within 1 point of the oracle.
 */
public final class SuiteAnalysis {
    /** The textbook matrix's fixed thresholds (CS231n's four cells, as the rules had them before the suite). */
    public static final int TEXTBOOK_LARGE_PER_CLASS = 200;
    public static final double TEXTBOOK_SIMILAR = 0.7;

    /** A policy: which trial it picks for a run. */
    public interface Policy extends BiFunction<SuiteSpec.Task, TaskRun, TrialKey> {}

    /**
     * One run with its trials: the oracle grid's single plans, the advisor's pick where it is off the
     * grid, and the ensembles of one model's plans (TrialKey#planEnsembles), which the
     * rules now pick there; the oracle is the best of all of them.
     */
    public record Run(SuiteSpec.Task task, boolean calibration, TaskRun taskRun, Map<String, Trial> trials, double oracle, double oracleSeconds) {
        /** The run's ensemble trials (keys of strategy ENSEMBLE). */
        public Map<String, Trial> ensembles() {
            Map<String, Trial> out = new LinkedHashMap<>();
            trials.forEach((k, v) -> {
                if (TrialKey.parse(k).strategy() == Strategy.ENSEMBLE) {
                    out.put(k, v);
                }
            });
            return out;
        }

        public double regret(TrialKey k) {
            Trial t = k == null ? null : trials.get(k.id());
            return t == null ? Double.NaN : Math.max(0, (oracle - t.testAccuracy()) * 100);
        }

        /** The best trial's key. */
        public TrialKey best() {
            return TrialKey.parse(trials.values().stream().max(Comparator.comparingDouble(Trial::testAccuracy)).orElseThrow().key());
        }
    }

    /**
     * A policy's score on one split.
     *
     * @param meanRegret mean over tasks of the per-task mean regret (points)
     * @param low        95% bootstrap interval over tasks
     * @param worstTask  largest per-task mean regret, and its task
     * @param worstRun   largest single-run regret
     * @param within1    share of runs within 1 point of the oracle
     * @param missing    runs where the policy's trial has not been run
     */
    public record Score(String policy, String split, int runs, int tasks, double meanRegret, double low, double high, double worstTask,
                        String worstTaskId, double worstRun, double within1, int missing) {}

    private final SuiteSpec suite;
    private final List<Run> runs = new ArrayList<>();
    private final List<String> incomplete = new ArrayList<>();

    /** Every run of the suite whose oracle candidates are all recorded (others are listed as incomplete). */
    public SuiteAnalysis(SuiteSpec suite, SuiteResults results, List<String> cuts, List<SuiteSpec.Task> tasks) {
        this.suite = suite;
        List<TrialKey> oracle = TrialKey.oracle(cuts);
        for (SuiteSpec.Task t : tasks) {
            String h = SuiteTasks.identity(suite, t);
            for (long seed : suite.seeds()) {
                TaskRun tr = results.task(t.id(), seed, h).orElse(null);
                Map<String, Trial> trials = new LinkedHashMap<>();
                for (Trial x : results.trials(t.id(), seed, h)) {
                    trials.put(x.key(), x);
                }
                boolean complete = tr != null && oracle.stream().allMatch(k -> trials.containsKey(k.id()));
                if (!complete) {
                    incomplete.add(t.id() + " s" + seed);
                    continue;
                }
                double best = trials.values().stream().mapToDouble(Trial::testAccuracy).max().orElseThrow();
                double secs = oracle.stream().mapToDouble(k -> trials.get(k.id()).seconds()).sum();
                runs.add(new Run(t, suite.calibration(t), tr, trials, best, secs));
            }
        }
    }

    public List<Run> runs() {
        return runs;
    }

    public List<String> incomplete() {
        return incomplete;
    }

    public List<Run> runs(String split) {
        return runs.stream().filter(r -> r.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList();
    }

    public Score score(String name, Policy p, String split) {
        return score(name, p, split, runs(split));
    }

    private Score score(String name, Policy p, String split, List<Run> rs) {
        Map<String, List<Double>> byTask = new LinkedHashMap<>();
        int missing = 0;
        double worstRun = 0;
        int within = 0;
        int n = 0;
        for (Run r : rs) {
            double reg = r.regret(p.apply(r.task(), r.taskRun()));
            if (Double.isNaN(reg)) {
                missing++;
                continue;
            }
            byTask.computeIfAbsent(r.task().id(), k -> new ArrayList<>()).add(reg);
            worstRun = Math.max(worstRun, reg);
            within += reg <= 1.0 + 1e-9 ? 1 : 0;
            n++;
        }
        List<String> ids = new ArrayList<>(byTask.keySet());
        double[] perTask = ids.stream().mapToDouble(id -> byTask.get(id).stream().mapToDouble(Double::doubleValue).average().orElseThrow()).toArray();
        return summary(name, split, n, ids, perTask, worstRun, n == 0 ? Double.NaN : within / (double) n, missing);
    }

    /** A split's score from its per-task regrets: their mean, 95% bootstrap interval over tasks, and the worst task. */
    private static Score summary(String name, String split, int runs, List<String> ids, double[] perTask, double worstRun, double within1,
                                 int missing) {
        double[] ci = bootstrap(perTask, 2000, 12345);
        int worstIdx = 0;
        for (int i = 1; i < perTask.length; i++) {
            if (perTask[i] > perTask[worstIdx]) {
                worstIdx = i;
            }
        }
        return new Score(name, split, runs, perTask.length, mean(perTask), ci[0], ci[1], perTask.length == 0 ? Double.NaN : perTask[worstIdx],
                perTask.length == 0 ? "-" : ids.get(worstIdx), worstRun, within1, missing);
    }

    /**
     * A policy against the oracle per task rather than per run: the trial with the best test accuracy
     * averaged over the task's seeds (the best fixed plan for the task), against the policy's accuracy
     * averaged over the same seeds (a policy may pick different trials at different seeds). The per-run
     * oracle takes the best of some twenty noisy test accuracies at each seed, so it also scores luck
     * (the winner's curse); this one does not. The candidates are the trials made at every seed of the task.
     * Per task: max(0, oracle mean - policy mean) in points;
     * {@code worstRun} holds the worst task too, {@code within1} the share of tasks within 1 point.
     */
    public Score scoreAgainstTaskOracle(String name, Policy p, String split) {
        return scoreAgainstTaskOracle(name, p, split, runs(split));
    }

    private Score scoreAgainstTaskOracle(String name, Policy p, String split, List<Run> rs) {
        Map<String, List<Run>> byTask = new LinkedHashMap<>();
        for (Run r : rs) {
            byTask.computeIfAbsent(r.task().id(), k -> new ArrayList<>()).add(r);
        }
        List<String> ids = new ArrayList<>();
        List<Double> regrets = new ArrayList<>();
        int missing = 0;
        int runs = 0;
        for (var e : byTask.entrySet()) {
            // every trial made at each of the task's seeds: the grid and, like the per-run oracle, a pick the runner added
            double oracle = bestSeedMean(e.getValue().stream().map(Run::trials).toList(), Trial::testAccuracy).orElse(Double.NEGATIVE_INFINITY);
            double sum = 0;
            int n = 0;
            for (Run r : e.getValue()) {
                TrialKey k = p.apply(r.task(), r.taskRun());
                Trial t = k == null ? null : r.trials().get(k.id());
                if (t == null) {
                    missing++;
                    continue;
                }
                sum += t.testAccuracy();
                n++;
            }
            if (n < e.getValue().size()) {
                continue; // a task is scored only with the policy's trial at every seed
            }
            runs += n;
            ids.add(e.getKey());
            regrets.add(Math.max(0, (oracle - sum / n) * 100));
        }
        double[] perTask = regrets.stream().mapToDouble(Double::doubleValue).toArray();
        long within = java.util.Arrays.stream(perTask).filter(x -> x <= 1.0 + 1e-9).count();
        double worst = java.util.Arrays.stream(perTask).max().orElse(Double.NaN);
        return summary(name, split, runs, ids, perTask, worst, perTask.length == 0 ? Double.NaN : within / (double) perTask.length, missing);
    }

    /**
     * The oracle per task: the best accuracy averaged over the task's seeds among the trials recorded at every seed (one map of
     * trials per seed, by key); empty when no trial was recorded at all of them. The whole-plan table of several models reads it too.
     */
    static <T> java.util.OptionalDouble bestSeedMean(List<Map<String, T>> seeds, java.util.function.ToDoubleFunction<T> accuracy) {
        return bestSeedKey(seeds, accuracy).map(k -> java.util.OptionalDouble.of(seedMean(seeds, k, accuracy))).orElse(java.util.OptionalDouble.empty());
    }

    /** The key of {@link #bestSeedMean}'s trial (a tie to the first in the first seed's order); empty when none is at every seed. */
    static <T> java.util.Optional<String> bestSeedKey(List<Map<String, T>> seeds, java.util.function.ToDoubleFunction<T> accuracy) {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(seeds.get(0).keySet());
        seeds.forEach(s -> keys.retainAll(s.keySet()));
        String best = null;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (String k : keys) {
            double v = seedMean(seeds, k, accuracy);
            if (best == null || v > bestMean) {
                best = k;
                bestMean = v;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    /** Trial {@code key}'s accuracy averaged over the seeds (it must be recorded at every one). */
    static <T> double seedMean(List<Map<String, T>> seeds, String key, java.util.function.ToDoubleFunction<T> accuracy) {
        return seeds.stream().mapToDouble(s -> accuracy.applyAsDouble(s.get(key))).average().orElseThrow();
    }

    /**
     * A policy on the runs that hold every given ensemble and pass {@code which}, against their
     * oracle, which includes those ensembles: per run as in {@link #score}, or per task as in
     * {@link #scoreAgainstTaskOracle}.
     */
    public Score scoreWithEnsembles(String name, Policy p, String split, List<TrialKey> ensembleKeys, java.util.function.Predicate<Run> which, boolean perTask) {
        List<Run> rs = runs(split).stream().filter(r -> ensembleKeys.stream().allMatch(k -> r.trials().containsKey(k.id())) && which.test(r)).toList();
        return perTask ? scoreAgainstTaskOracle(name, p, split, rs) : score(name, p, split, rs);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** {@code a}'s value minus {@code b}'s for every key both hold, in {@code a}'s order: a paired per-task gain or loss. */
    static double[] pairedDifferences(Map<String, Double> a, Map<String, Double> b) {
        return a.keySet().stream().filter(b::containsKey).mapToDouble(k -> a.get(k) - b.get(k)).toArray();
    }

    /** 2.5% and 97.5% percentiles of the mean over resampled tasks. */
    static double[] bootstrap(double[] v, int resamples, long seed) {
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        Random rnd = new Random(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
                s += v[rnd.nextInt(v.length)];
            }
            means[b] = s / v.length;
        }
        java.util.Arrays.sort(means);
        return new double[] {means[(int) Math.floor(0.025 * (resamples - 1))], means[(int) Math.ceil(0.975 * (resamples - 1))]};
    }

    /** Always this trial. */
    public static Policy always(TrialKey k) {
        return (t, r) -> k;
    }

    /**
     * The textbook four-cell matrix with fixed thresholds: small and similar -> softmax on the top
     * cut's frozen features; small and different -> on an earlier cut's; large and similar ->
     * fine-tune above the second-highest cut; large and different -> fine-tune everything.
     */
    public static Policy textbook(List<String> cuts) {
        return (t, r) -> {
            DatasetProfile p = r.profile();
            boolean large = t.perClass() >= TEXTBOOK_LARGE_PER_CLASS;
            boolean similar = p.similarity() >= TEXTBOOK_SIMILAR;
            if (!large) {
                return new TrialKey(Strategy.LINEAR_FROZEN, similar ? cuts.get(cuts.size() - 1) : cuts.get(1), 0, HeadType.SOFTMAX);
            }
            return similar ? new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(cuts.size() - 2), 0, HeadType.SOFTMAX)
                    : new TrialKey(Strategy.FINETUNE_ALL, null, 0, HeadType.SOFTMAX);
        };
    }

    /**
     * A reference, not a policy a user could follow: for each run, the trial with the best mean test
     * accuracy on the same task's other seeds (it has seen their test labels). Its regret is what the
     * seed-to-seed noise of the oracle alone costs a choice made per task: the floor under any
     * policy that decides from the task rather than from the run's own test set.
     */
    public Policy otherSeeds(List<String> cuts) {
        return (t, r) -> {
            TrialKey best = null;
            double bestMean = Double.NEGATIVE_INFINITY;
            for (TrialKey k : TrialKey.oracle(cuts)) {
                double sum = 0;
                int n = 0;
                for (Run o : runs) {
                    if (o.task().id().equals(t.id()) && o.taskRun().seed() != r.seed() && o.trials().containsKey(k.id())) {
                        sum += o.trials().get(k.id()).testAccuracy();
                        n++;
                    }
                }
                if (n > 0 && sum / n > bestMean) {
                    bestMean = sum / n;
                    best = k;
                }
            }
            return best;
        };
    }

    /**
     * The regret a perfect chooser would still pay on a split from test-set sampling alone.
     *
     * @param perRun  against the per-run oracle (the scored table's measure), points
     * @param perTask against the oracle per task, points
     * @param draws   parametric bootstrap draws
     */
    public record TestNoiseFloor(double perRun, double perTask, int draws) {}

    /**
     * A lower bound on any policy's regret, set by the size of the test sets: take every recorded
     * trial's test accuracy as its true accuracy, redraw each trial's correct count from
     * Binomial(test images, accuracy), and score a chooser that always picks the truly best trial
     * (per run: the run's best; per task: the best on the seed mean) against the oracle of the
     * redrawn accuracies. Its regret is the oracle's winner's curse: the best of some twenty noisy
     * accuracies sits above the best plan's. Training-seed noise comes on top, so this is a floor.
     */
    public TestNoiseFloor testNoiseFloor(String split, int draws, long seed) {
        Map<String, List<Run>> byTask = new LinkedHashMap<>();
        for (Run r : runs(split)) {
            byTask.computeIfAbsent(r.task().id(), k -> new ArrayList<>()).add(r);
        }
        Random rnd = new Random(seed);
        List<Double> runRegrets = new ArrayList<>();
        List<Double> taskRegrets = new ArrayList<>();
        for (List<Run> rs : byTask.values()) {
            java.util.Set<String> common = new java.util.LinkedHashSet<>(rs.get(0).trials().keySet());
            for (Run r : rs) {
                common.retainAll(r.trials().keySet());
            }
            List<String> keys = new ArrayList<>(common);
            String taskBest = keys.stream().max(Comparator.comparingDouble((String k) -> rs.stream()
                    .mapToDouble(r -> r.trials().get(k).testAccuracy()).sum())).orElseThrow();
            List<String> runBest = rs.stream().map(r -> r.best().id()).toList();
            double taskSum = 0;
            double[] runSums = new double[rs.size()];
            for (int b = 0; b < draws; b++) {
                double[] means = new double[keys.size()];
                for (int s = 0; s < rs.size(); s++) {
                    Run r = rs.get(s);
                    double max = Double.NEGATIVE_INFINITY;
                    double atBest = 0;
                    for (Trial t : r.trials().values()) {
                        double a = binomial(rnd, t.testImages(), t.testAccuracy()) / (double) t.testImages();
                        max = Math.max(max, a);
                        if (t.key().equals(runBest.get(s))) {
                            atBest = a;
                        }
                        int i = keys.indexOf(t.key());
                        if (i >= 0) {
                            means[i] += a / rs.size();
                        }
                    }
                    runSums[s] += max - atBest;
                }
                taskSum += java.util.Arrays.stream(means).max().orElseThrow() - means[keys.indexOf(taskBest)];
            }
            taskRegrets.add(100 * taskSum / draws);
            runRegrets.add(100 * java.util.Arrays.stream(runSums).average().orElseThrow() / draws);
        }
        return new TestNoiseFloor(mean(runRegrets.stream().mapToDouble(Double::doubleValue).toArray()),
                mean(taskRegrets.stream().mapToDouble(Double::doubleValue).toArray()), draws);
    }

    /** A Binomial(n, p) draw by counting uniform draws below p (n is a test set's size, a few hundred at most). */
    static int binomial(Random rnd, int n, double p) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (rnd.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }

    /** The fixed trial with the lowest mean regret on the calibration split. */
    public TrialKey bestFixedOnCalibration(List<String> cuts) {
        TrialKey best = null;
        double bestMean = Double.POSITIVE_INFINITY;
        for (TrialKey k : TrialKey.oracle(cuts)) {
            double m = score(k.label(), always(k), SuiteSpec.CALIBRATION).meanRegret();
            if (m < bestMean) {
                bestMean = m;
                best = k;
            }
        }
        return best;
    }

    public SuiteSpec suite() {
        return suite;
    }
}

package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.SuiteAnalysis.Policy;
import io.transferadvisor.bench.suite.SuiteAnalysis.Run;
import io.transferadvisor.bench.suite.SuiteAnalysis.Score;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The suite's markdown: advisor vs fixed policies per split, advising cost, per-task detail, what calibration says per cell. */
public final class SuiteReport {
    private SuiteReport() {}

    /** The last row: a reference that has seen test labels, not a policy (SuiteAnalysis.otherSeeds). */
    public static final String NOISE_FLOOR = "*reference: the task's best trial on its other seeds (has seen their test labels)*";

    /** The policies the report compares, in table order: the advisor first. */
    public static Map<String, Policy> policies(SuiteAnalysis a, Policy advisor, List<String> cuts) {
        Map<String, Policy> m = new LinkedHashMap<>();
        m.put("**the advisor**", advisor);
        m.put("textbook matrix (fixed thresholds)", SuiteAnalysis.textbook(cuts));
        TrialKey bestCal = a.bestFixedOnCalibration(cuts);
        if (bestCal != null) {
            m.put("best fixed on calibration: " + bestCal.label(), SuiteAnalysis.always(bestCal));
        }
        String top = cuts.get(cuts.size() - 1);
        List<TrialKey> fixed = List.of(new TrialKey(Strategy.LINEAR_FROZEN, top, 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.LINEAR_FROZEN, top, 0, HeadType.SVM),
                new TrialKey(Strategy.LINEAR_FROZEN, cuts.get(1), 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.TRUNCATE_GROW, cuts.get(1), 1, HeadType.SOFTMAX),
                new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(cuts.size() - 2), 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(1), 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.FINETUNE_ALL, null, 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX));
        for (TrialKey k : fixed) {
            m.put("always " + k.label(), SuiteAnalysis.always(k));
        }
        m.put(NOISE_FLOOR, a.otherSeeds(cuts));
        return m;
    }

    public static String scores(SuiteAnalysis a, Map<String, Policy> policies, String split) {
        StringBuilder md = new StringBuilder();
        md.append("| policy | mean regret (pts) | 95% interval | worst task (pts) | worst run (pts) | within 1 pt | runs |\n");
        md.append("|---|---:|---:|---|---:|---:|---:|\n");
        for (var e : policies.entrySet()) {
            Score s = a.score(e.getKey(), e.getValue(), split);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f-%.2f | %.1f (%s) | %.1f | %.0f%% | %d%s |%n", e.getKey(), s.meanRegret(),
                    s.low(), s.high(), s.worstTask(), s.worstTaskId(), s.worstRun(), 100 * s.within1(), s.runs(),
                    s.missing() > 0 ? " (" + s.missing() + " not run)" : ""));
        }
        return md.toString();
    }

    /** The same policies against the oracle per task (SuiteAnalysis#scoreAgainstTaskOracle). */
    public static String taskOracleScores(SuiteAnalysis a, Map<String, Policy> policies, String split) {
        StringBuilder md = new StringBuilder();
        md.append("| policy | mean regret (pts) | 95% interval | worst task (pts) | tasks within 1 pt | tasks |\n");
        md.append("|---|---:|---:|---|---:|---:|\n");
        for (var e : policies.entrySet()) {
            Score s = a.scoreAgainstTaskOracle(e.getKey(), e.getValue(), split);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f-%.2f | %.1f (%s) | %.0f%% | %d%s |%n", e.getKey(), s.meanRegret(),
                    s.low(), s.high(), s.worstTask(), s.worstTaskId(), 100 * s.within1(), s.tasks(),
                    s.missing() > 0 ? " (" + s.missing() + " runs not run)" : ""));
        }
        return md.toString();
    }

    /** The regret a perfect chooser would pay from test-set sampling alone (SuiteAnalysis#testNoiseFloor), as one sentence. */
    public static String noiseFloor(SuiteAnalysis a, String split) {
        SuiteAnalysis.TestNoiseFloor f = a.testNoiseFloor(split, NOISE_DRAWS, 20261130L);
        return String.format(Locale.ROOT, "Test-set noise floor: a chooser that always picked the best plan would still score %.2f points "
                + "against the per-run oracle and %.2f against the oracle per task, from the test sets' sampling alone "
                + "(each trial's correct count redrawn from its binomial, %d draws; training-seed noise comes on top).", f.perRun(), f.perTask(), f.draws());
    }

    /** Parametric bootstrap draws of the noise floor: its value moves by about 0.01 points between seeds at this count. */
    static final int NOISE_DRAWS = 400;

    /** Advising (probe + rules) against the oracle search (every candidate trained), in seconds. */
    public static String cost(SuiteAnalysis a, Map<String, Double> rulesSeconds, String split) {
        double adv = 0;
        double orc = 0;
        double worst = 0;
        String worstId = "-";
        for (Run r : a.runs(split)) {
            double ad = r.taskRun().probeSeconds() + rulesSeconds.getOrDefault(r.task().id() + "|" + r.taskRun().seed(), 0.0);
            adv += ad;
            orc += r.oracleSeconds();
            if (ad / r.oracleSeconds() > worst) {
                worst = ad / r.oracleSeconds();
                worstId = r.task().id() + " s" + r.taskRun().seed();
            }
        }
        return String.format(Locale.ROOT, "advising %.0f s vs oracle search %.0f s: %.1f%% (worst run %.1f%%, %s)", adv, orc,
                orc > 0 ? 100 * adv / orc : Double.NaN, 100 * worst, worstId);
    }

    /** One row per task: size, similarity, the oracle's usual winner, the advisor's picks and regret. */
    public static String perTask(SuiteAnalysis a, Policy advisor) {
        StringBuilder md = new StringBuilder("| task | split | family | per class x classes | similarity | oracle acc | oracle winner (runs) | advisor picked | advisor regret (pts, per seed) |\n");
        md.append("|---|---|---|---|---:|---:|---|---|---|\n");
        Map<String, List<Run>> byTask = new LinkedHashMap<>();
        for (Run r : a.runs()) {
            byTask.computeIfAbsent(r.task().id(), k -> new ArrayList<>()).add(r);
        }
        for (var e : byTask.entrySet()) {
            List<Run> rs = e.getValue();
            SuiteSpec.Task t = rs.get(0).task();
            Map<String, Integer> winners = new TreeMap<>();
            Map<String, Integer> picks = new TreeMap<>();
            List<String> regrets = new ArrayList<>();
            double sim = 0;
            double acc = 0;
            for (Run r : rs) {
                winners.merge(r.best().label(), 1, Integer::sum);
                TrialKey k = advisor.apply(t, r.taskRun());
                picks.merge(k == null ? "-" : k.label(), 1, Integer::sum);
                double reg = r.regret(k);
                regrets.add(Double.isNaN(reg) ? "n/a" : String.format(Locale.ROOT, "%.1f", reg));
                sim += r.taskRun().profile().similarity();
                acc += r.oracle();
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d x %d | %.2f | %.3f | %s | %s | %s |%n", t.id(),
                    rs.get(0).calibration() ? "cal" : "held-out", t.family(), t.perClass(), t.classes().size(), sim / rs.size(), acc / rs.size(),
                    counts(winners), counts(picks), String.join(" / ", regrets)));
        }
        return md.toString();
    }

    private static String counts(Map<String, Integer> m) {
        List<String> out = new ArrayList<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> out.add(e.getKey() + (m.size() > 1 || e.getValue() > 1 ? " (" + e.getValue() + ")" : "")));
        return String.join(", ", out);
    }

    /**
     * The calibration evidence: per cell of the rules' own size x similarity classes (as the current
     * thresholds draw them), every fixed trial's mean regret over the calibration runs in the cell,
     * best first (top 5), and the tasks in it. This is what the rules' matrix is set from.
     */
    public static String calibrationCells(SuiteAnalysis a, List<String> cuts, java.util.function.Function<Run, String> cellOf) {
        TrialKey global = a.bestFixedOnCalibration(cuts);
        Map<String, List<Run>> cells = new TreeMap<>();
        for (Run r : a.runs(SuiteSpec.CALIBRATION)) {
            cells.computeIfAbsent(cellOf.apply(r), k -> new ArrayList<>()).add(r);
        }
        StringBuilder md = new StringBuilder("The best fixed policy over all calibration runs is " + (global == null ? "-" : global.label())
                + ". A cell departs from it only when its own best trial beats it by more than twice the standard error of the paired"
                + " per-run difference (the best of 20 trials picked after the fact looks better than it is).\n\n");
        md.append("| rules' cell (size x similarity) | runs | tasks | best five fixed trials (mean regret, pts) | cell's best vs the best fixed policy: gain ± SE (pts) | departs? |\n|---|---:|---|---|---:|---|\n");
        for (var e : cells.entrySet()) {
            List<Run> rs = e.getValue();
            List<Map.Entry<TrialKey, Double>> ranked = new ArrayList<>();
            for (TrialKey k : TrialKey.oracle(cuts)) {
                ranked.add(Map.entry(k, rs.stream().mapToDouble(r -> r.regret(k)).average().orElse(Double.NaN)));
            }
            ranked.sort(Comparator.comparingDouble(Map.Entry::getValue));
            List<String> top = new ArrayList<>();
            for (int i = 0; i < Math.min(5, ranked.size()); i++) {
                top.add(String.format(Locale.ROOT, "%s %.1f", ranked.get(i).getKey().label(), ranked.get(i).getValue()));
            }
            List<String> tasks = rs.stream().map(r -> r.task().id()).distinct().toList();
            TrialKey best = ranked.get(0).getKey();
            double[] diff = rs.stream().mapToDouble(r -> global == null ? 0 : r.regret(global) - r.regret(best)).toArray();
            double gain = SuiteAnalysis.mean(diff);
            double se = diff.length < 2 ? Double.NaN : Math.sqrt(java.util.Arrays.stream(diff).map(x -> (x - gain) * (x - gain)).sum()
                    / (diff.length - 1) / diff.length);
            boolean departs = diff.length >= 2 && gain > 2 * se;
            md.append("| ").append(e.getKey()).append(" | ").append(rs.size()).append(" | ").append(String.join(", ", tasks)).append(" | ")
                    .append(String.join("; ", top)).append(String.format(Locale.ROOT, " | %.2f ± %.2f | %s |%n", gain, se,
                            departs ? "**yes: " + best.label() + "**" : "no"));
        }
        return md.toString();
    }

    /**
     * The ensembles of one model's plans (TrialKey#planEnsembles) against choosing one plan: the
     * rules' own pick, the two candidates of the retired measured plan trial and a perfect pick of
     * the two, per split and size (under TINY_PER_CLASS training images per class, and from it up),
     * against an oracle that includes the ensembles, per run and per task; and what each costs in
     * training time.
     */
    public static String planEnsembles(SuiteAnalysis a, List<String> cuts, Policy advisor) {
        List<TrialKey> ens = TrialKey.planEnsembles(cuts);
        Map<SuiteResults.TaskRun, Run> byTaskRun = new java.util.IdentityHashMap<>();
        a.runs().forEach(r -> byTaskRun.put(r.taskRun(), r));
        Map<String, SuiteAnalysis.Policy> pol = new LinkedHashMap<>();
        TrialKey fineKey = ens.get(0).members().get(0);
        TrialKey growKey = ens.get(0).members().get(1);
        pol.put("the advisor", advisor);
        pol.put("always fine-tune", SuiteAnalysis.always(fineKey));
        pol.put("always grow", SuiteAnalysis.always(growKey));
        pol.put("perfect pick of the two", (t, tr) -> {
            Run r = byTaskRun.get(tr);
            return r.regret(growKey) < r.regret(fineKey) ? growKey : fineKey;
        });
        for (TrialKey k : ens) {
            pol.put(k.label(), SuiteAnalysis.always(k));
        }
        Map<String, java.util.function.Predicate<Run>> sizes = new LinkedHashMap<>();
        sizes.put(String.format(Locale.ROOT, "under %d", SuiteRunner.TINY_PER_CLASS),
                r -> r.taskRun().profile().size().trainPerClass() < SuiteRunner.TINY_PER_CLASS);
        sizes.put(String.format(Locale.ROOT, "%d and more", SuiteRunner.TINY_PER_CLASS),
                r -> r.taskRun().profile().size().trainPerClass() >= SuiteRunner.TINY_PER_CLASS);
        // the ensembles every run of a size holds: the six members of TINY data only below TINY_PER_CLASS
        Map<String, List<TrialKey>> trained = new LinkedHashMap<>();
        trained.put(sizes.keySet().iterator().next(), ens);
        trained.put(new ArrayList<>(sizes.keySet()).get(1), ens.stream().filter(k -> !k.equals(TrialKey.tinyLinear(cuts))).toList());
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "On every run the suite also trains ENSEMBLE plans of the suite's model alone (each member a trial plan, "
                + "their probabilities averaged; until 2026-11-30 only on runs under %d training images per class): %s. Regret against the "
                + "oracle, which includes them (per run: the best of the 20 single plans and the ensembles; per task: the best seed mean among "
                + "them), mean over tasks with the worst task in brackets, by training images per class: the advisor (the current rules), "
                + "fine-tuning above the first cut, a block grown on the middle cut (the two plans the probe's measured trial chose between "
                + "until 2026-11-30), a perfect pick of the two, and each ensemble. The rules train the second ensemble from %d "
                + "images per class up and, with ensemble-plans-tiny-late, ensemble-plans-tiny-grow-late and ensemble-plans-tiny-linear-top, the ninth below (trained only there): set on every model's calibration runs (section \"Which "
                + "ensemble of one model's plans\"), this table being the suite's main model alone.%n%n",
                SuiteRunner.TINY_PER_CLASS, String.join("; ", ens.stream().map(TrialKey::label).toList()), SuiteRunner.TINY_PER_CLASS));
        md.append("| split | images per class | against | runs |");
        StringBuilder sep = new StringBuilder("|---|---|---|---:|");
        for (String name : pol.keySet()) {
            md.append(' ').append(name).append(" |");
            sep.append("---:|");
        }
        md.append('\n').append(sep).append('\n');
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            for (var size : sizes.entrySet()) {
                for (boolean perTask : new boolean[] {false, true}) {
                    StringBuilder row = new StringBuilder();
                    int runs = -1;
                    for (var e : pol.entrySet()) {
                        SuiteAnalysis.Score sc = a.scoreWithEnsembles(e.getKey(), e.getValue(), split, trained.get(size.getKey()), size.getValue(), perTask);
                        runs = Math.max(runs, sc.runs());
                        row.append(Double.isNaN(sc.meanRegret()) ? " - |" : String.format(Locale.ROOT, " %.2f (%.1f) |", sc.meanRegret(), sc.worstTask()));
                    }
                    if (runs > 0) {
                        md.append("| ").append(split).append(" | ").append(size.getKey()).append(perTask ? " | oracle per task | " : " | oracle per run | ")
                                .append(runs).append(" |").append(row).append('\n');
                    }
                }
            }
        }
        StringBuilder time = new StringBuilder();
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            for (var size : sizes.entrySet()) {
                // every kind the suite trains at this size (the six members of TINY data only below TINY_PER_CLASS): "-" for the others
                List<Run> rs = a.runs(split).stream().filter(r -> size.getValue().test(r) && ens.stream()
                        .allMatch(k -> r.trials().containsKey(k.id()) || k.equals(TrialKey.tinyLinear(cuts)))).toList();
                if (rs.isEmpty()) {
                    continue;
                }
                time.append(' ').append(split).append(", ").append(size.getKey()).append(':');
                for (TrialKey k : ens) {
                    var secs = rs.stream().filter(r -> r.trials().containsKey(k.id())).mapToDouble(r -> r.trials().get(k.id()).seconds()).average();
                    time.append(secs.isPresent() ? String.format(Locale.ROOT, " %.1f,", secs.getAsDouble()) : " -,");
                }
                time.setLength(time.length() - 1);
                time.append(';');
            }
        }
        if (time.length() > 0) {
            time.setLength(time.length() - 1);
            md.append("\nTraining time of each ensemble per run, in the columns' order (mean seconds: every member trained in one ENSEMBLE run, ")
                    .append("or, where the suite scored the ensemble from its members' own trials (since 2026-11-30 22:10), their seconds summed):")
                    .append(time).append(". The single plans' own rows were timed when they were trained, on other days and partly on ")
                    .append("slower natives, so their seconds do not compare with these.\n");
        }
        return md.toString();
    }

    /** Points within which two calibration regrets count as a tie in the report's threshold sweeps (similarity.familiar, ensemble.maxProbeGap). */
    static final double TIE_POINTS = 0.005;

    /**
     * Whether a candidate of a threshold sweep replaces the best so far: a lower regret by more than {@link #TIE_POINTS}, or a tie
     * within it at a lower cost (fewer ensembles, or a lower threshold, which trains fewer networks).
     */
    static boolean beats(double regret, double cost, double bestRegret, double bestCost) {
        return regret < bestRegret - TIE_POINTS || (Math.abs(regret - bestRegret) <= TIE_POINTS && cost < bestCost);
    }

    /** A threshold as its table prints it: whole numbers without a decimal point. */
    static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** Heat-map points: per run, each strategy's best-cut regret and the advisor's pick. */
    public static List<HeatMap.Point> points(SuiteAnalysis a, Policy advisor) {
        List<HeatMap.Point> out = new ArrayList<>();
        for (Run r : a.runs()) {
            Map<String, Double> byStrategy = new TreeMap<>();
            for (String id : r.trials().keySet()) {
                TrialKey k = TrialKey.parse(id);
                byStrategy.merge(k.strategy().name(), r.regret(k), Math::min);
            }
            TrialKey pick = advisor.apply(r.task(), r.taskRun());
            out.add(new HeatMap.Point(r.task().id(), r.task().perClass(), r.taskRun().profile().similarity(), byStrategy,
                    pick == null ? "-" : pick.strategy().name(), r.regret(pick), r.calibration()));
        }
        return out;
    }
}

package io.transferadvisor.rules;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.facts.Rejected;
import io.transferadvisor.rules.facts.ShiftFloor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * `advisor rules check`: runs the rule base over a grid of synthetic profiles (sizes x
 * similarities x imbalance x unlabelled x label overlap x curve shapes, plus geometry, data-hungry,
 * steep-shift, shifted-top, single-layer and several-model variants) and verifies that every profile gets
 * exactly one strategy, exactly one cutoff where one is needed (a candidate layer), one value of
 * every hyperparameter, a backbone rate below the head rate, a rejection for every strategy not
 * taken; that every strategy is chosen somewhere; and that every rule fires at least once.
 */
public final class RuleCheck {
    private RuleCheck() {}

    public static final int[] PER_CLASS = {5, 15, 40, 120, 400, 1200, 3000};
    /**
     * Both sides of every similarity threshold: 0.4 (MEDIUM) and 0.7 (HIGH) from the textbook cells, and similarity.familiar (0.92
     * since 2026-12-01, when the top point moved from 0.9 to 0.95: at 0.9 familiar-domain no longer fired and the check said so).
     */
    public static final double[] SIMILARITY = {0.1, 0.3, 0.5, 0.65, 0.75, 0.95};
    static final int MAX_LISTED = 20;

    /**
     * @param points       profiles (or model sets) evaluated
     * @param failures     offending profiles with what is wrong (empty = pass)
     * @param neverFired   rule ids no grid point made fire
     * @param strategies   how often each strategy was chosen
     * @param rules        number of rules
     * @param seconds      wall time of the check
     * @param notes        strategies the grid never chooses but specific rules reject with a reason (the
     *                     measurements can retire a strategy: issue 8), and the rules kept for them
     */
    public record Report(int points, List<String> failures, List<String> neverFired, Map<Strategy, Integer> strategies,
                         int rules, double seconds, List<String> notes) {
        public boolean ok() {
            return failures.isEmpty() && neverFired.isEmpty();
        }
    }

    /** One grid point: a label for the report and the profiles (one per model). */
    record Point(String label, List<DatasetProfile> profiles) {}

    /** How many times larger the grid's second model is than the model it is shaped by. */
    static final long LARGE_MODEL = 50;

    public static Report run(RuleBase rules, List<String> layers, long parameters) {
        long t0 = System.nanoTime();
        Recommender rec = new Recommender(rules);
        Set<String> fired = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        Map<Strategy, Integer> counts = new EnumMap<>(Strategy.class);
        Map<Strategy, Integer> own = new EnumMap<>(Strategy.class);
        Map<Strategy, Set<String>> rejectedBy = new EnumMap<>(Strategy.class);
        // the rules branch on the model's size (ensemble.maxParameters): the grid runs on the model and on one
        // LARGE_MODEL times larger, so the single-plan rules below LARGE data are checked too
        List<Point> points = new ArrayList<>(grid(layers, parameters));
        grid(layers, parameters * LARGE_MODEL).forEach(p -> points.add(new Point(p.label() + " parameters=x" + LARGE_MODEL, p.profiles())));
        for (Point pt : points) {
            Recommender.Request req = Recommender.Request.defaults("grid.yaml");
            Recommender.Decision d;
            try {
                d = rec.decide(pt.profiles(), req);
            } catch (RulesTimeoutException e) {
                throw e; // a hung rule would hang at every grid point: stop at the first
            } catch (RulesException e) {
                failures.add(pt.label() + ": " + e.getMessage());
                continue;
            }
            for (Recommender.ModelRun r : d.runs()) {
                r.evaluation().firings().forEach(f -> fired.add(f.rule().id()));
                failures.addAll(checkRun(pt.label(), r));
            }
            d.selection().firings().forEach(f -> fired.add(f.rule().id()));
            for (Recommender.ModelRun r : d.runs()) {
                for (RuleBase.RawFiring f : r.evaluation().firings()) {
                    if (!f.rule().id().equals(GENERIC_REJECTION)) {
                        for (Object o : f.inserted()) {
                            if (o instanceof Rejected x) {
                                rejectedBy.computeIfAbsent(x.strategy(), k -> new TreeSet<>()).add(f.rule().id());
                            }
                        }
                    }
                }
            }
            Plan plan = d.plan();
            counts.merge(plan.strategy(), 1, Integer::sum);
            // the strategy the rules chose as the plan itself: an ENSEMBLE of one model's plans is led by its first member, the
            // others were asked for (MemberPlan) with their cut
            own.merge(Recommender.ofOneModel(plan) ? plan.ensembleMembers().get(0).strategy() : plan.strategy(), 1, Integer::sum);
            if (Recommender.ofOneModel(plan)) {
                // a member of an ENSEMBLE of one model's plans is a chosen strategy too
                plan.ensembleMembers().forEach(m -> counts.merge(m.strategy(), 1, Integer::sum));
            }
            if (Recommender.ofSeveralModels(plan) && pt.profiles().size() < 2) {
                failures.add(pt.label() + ": ENSEMBLE of several models chosen with one model");
            }
            if (Recommender.ofOneModel(plan) && (plan.ensembleMembers().size() < 2
                    || plan.ensembleMembers().stream().map(Recommender::signature).distinct().count() < plan.ensembleMembers().size())) {
                // two members may share a strategy at different cuts (ensemble-plans-tiny-late), never the same plan twice
                failures.add(pt.label() + ": ENSEMBLE of one model's plans needs two or more different member plans");
            }
            for (Recommender.ModelRun m : d.members()) {
                m.evaluation().firings().forEach(f -> fired.add(f.rule().id()));
            }
        }
        List<String> notes = new ArrayList<>();
        Set<Strategy> retired = EnumSet.noneOf(Strategy.class);
        for (Strategy s : Strategy.values()) {
            if (counts.containsKey(s)) {
                continue;
            }
            Set<String> why = rejectedBy.getOrDefault(s, Set.of());
            if (why.isEmpty()) {
                failures.add("strategy " + s + " is never chosen on the grid: no rule (or matrix cell) selects it, and no specific rule says why");
            } else {
                retired.add(s);
                notes.add("strategy " + s + " is never chosen on the grid; rejected with a reason by " + String.join(", ", why));
            }
        }
        for (Strategy s : Strategy.values()) {
            Set<String> why = rejectedBy.getOrDefault(s, Set.of());
            if (counts.containsKey(s) && s != Strategy.ENSEMBLE && !own.containsKey(s) && !why.isEmpty()) {
                // since stop 42 LINEAR_FROZEN joins a familiar domain's fine-tuning as a member at the top cut, never chosen alone
                retired.add(s);
                notes.add("strategy " + s + " is chosen on the grid only as a member of an ENSEMBLE of one model's plans, at the cut the member asks for;"
                        + " on its own rejected with a reason by " + String.join(", ", why));
            }
        }
        List<String> never = new ArrayList<>();
        for (RuleBase.RuleInfo r : rules.rules()) {
            if (fired.contains(r.id())) {
                continue;
            }
            Strategy only = onlyFor(r, retired);
            if (only != null) {
                notes.add("rule " + r.id() + " (" + r.file() + ") serves only " + only + ", which the grid never chooses on its own; kept for a matrix that does");
            } else {
                never.add(r.id() + " (" + r.file() + ")");
            }
        }
        return new Report(points.size(), failures, never, counts, rules.rules().size(), (System.nanoTime() - t0) / 1e9, notes);
    }

    /** The rule that rejects every alternative by naming the matrix cell: not a reason specific to a strategy. */
    static final String GENERIC_REJECTION = "reject-by-matrix";

    private static final java.util.regex.Pattern ONE_STRATEGY = java.util.regex.Pattern.compile("strategy == Strategy\\.([A-Z_]+)");

    /**
     * The retired strategy a rule's conditions require, or null: a condition
     * {@code StrategyChoice(strategy == Strategy.X || strategy == Strategy.Y)} whose strategies are all retired.
     */
    static Strategy onlyFor(RuleBase.RuleInfo r, Set<Strategy> retired) {
        for (String c : r.conditions()) {
            String t = c.trim();
            if (!t.startsWith("StrategyChoice(") || !t.endsWith(")")) {
                continue;
            }
            String inner = t.substring("StrategyChoice(".length(), t.length() - 1);
            List<Strategy> named = new ArrayList<>();
            for (String part : inner.split("\\|\\|")) {
                java.util.regex.Matcher m = ONE_STRATEGY.matcher(part.trim());
                if (!m.matches()) {
                    return null;
                }
                named.add(Strategy.valueOf(m.group(1)));
            }
            return !named.isEmpty() && retired.containsAll(named) ? named.get(0) : null;
        }
        return null;
    }

    static List<String> checkRun(String label, Recommender.ModelRun r) {
        List<String> out = new ArrayList<>();
        Plan p = r.plan();
        var hp = p.hyperparameters();
        if (hp.backboneLearningRate() > 0 && !(hp.backboneLearningRate() < hp.headLearningRate())) {
            out.add(label + ": backbone rate " + hp.backboneLearningRate() + " is not below the head rate " + hp.headLearningRate());
        }
        if (p.strategy().frozenBackbone() && hp.backboneLearningRate() != 0) {
            out.add(label + ": frozen-backbone strategy " + p.strategy() + " with backbone rate " + hp.backboneLearningRate());
        }
        Set<Strategy> covered = EnumSet.of(p.strategy());
        for (Rejected x : r.evaluation().all(Rejected.class)) {
            covered.add(x.strategy());
        }
        if (p.strategy() == Strategy.LINEAR_FROZEN && r.profile() != null && p.cutoffLayer() != null) {
            out.addAll(checkLinearCut(label, r.profile(), p.cutoffLayer(), r.evaluation().all(ShiftFloor.class)));
        }
        if (r.profile() != null) {
            Set<Strategy> missing = EnumSet.complementOf(EnumSet.copyOf(covered));
            missing.remove(Strategy.ENSEMBLE); // decided by the model-selection stage when several models are given
            if (!missing.isEmpty()) {
                out.add(label + ": no rule rejects " + missing + " (chosen " + p.strategy() + ")");
            }
        }
        return out;
    }

    /**
     * A linear cut must be a competitive layer (probe accuracy within the best layer's interval),
     * at or above the least-shifted competitive layer, and no competitive layer above it may be at
     * least as similar to the source (that layer would be as good, later and no more shifted).
     * These hold for any shift margin. With the rule base's own ShiftFloor, also: the cut is at or
     * above the floor and it is the latest competitive layer that is.
     */
    static List<String> checkLinearCut(String label, DatasetProfile profile, String cut, List<ShiftFloor> floors) {
        List<String> out = new ArrayList<>();
        DatasetProfile.LayerProbe best = null;
        for (DatasetProfile.LayerProbe l : profile.layers()) {
            if (best == null || l.probeAccuracy().value() > best.probeAccuracy().value()
                    || (l.probeAccuracy().value() == best.probeAccuracy().value() && l.index() > best.index())) {
                best = l;
            }
        }
        double bestLow = best.probeAccuracy().low();
        List<DatasetProfile.LayerProbe> competitive = profile.layers().stream().filter(l -> l.probeAccuracy().value() >= bestLow).toList();
        DatasetProfile.LayerProbe c = competitive.stream().filter(l -> l.layer().equals(cut)).findFirst().orElse(null);
        if (c == null) {
            out.add(label + ": linear cut " + cut + " is not within the best layer's accuracy interval");
            return out;
        }
        DatasetProfile.LayerProbe leastShifted = competitive.stream()
                .max(java.util.Comparator.comparingDouble(DatasetProfile.LayerProbe::similarity).thenComparingInt(DatasetProfile.LayerProbe::index))
                .orElseThrow();
        if (c.index() < leastShifted.index()) {
            out.add(label + ": linear cut " + cut + " is below the least-shifted competitive layer " + leastShifted.layer());
        }
        for (DatasetProfile.LayerProbe l : competitive) {
            if (l.index() > c.index() && l.similarity() >= c.similarity()) {
                out.add(label + ": linear cut " + cut + " passes over " + l.layer() + ", later, as accurate and no more shifted");
            }
        }
        if (floors.size() != 1) {
            out.add(label + ": " + floors.size() + " shift floors derived for a linear cut; expected exactly one");
            return out;
        }
        double floor = floors.get(0).floor();
        if (c.similarity() < floor) {
            out.add(String.format(Locale.ROOT, "%s: linear cut %s is far shifted (similarity %.3f below the floor %.3f)", label, cut, c.similarity(), floor));
        }
        for (DatasetProfile.LayerProbe l : competitive) {
            if (l.index() > c.index() && l.similarity() >= floor) {
                out.add(String.format(Locale.ROOT, "%s: linear cut %s passes over %s, later, as accurate and above the shift floor %.3f",
                        label, cut, l.layer(), floor));
            }
        }
        return out;
    }

    static List<Point> grid(List<String> layers, long parameters) {
        List<Point> points = new ArrayList<>();
        SyntheticProfiles.Curve[] curves = {SyntheticProfiles.Curve.RISING, SyntheticProfiles.Curve.PEAK_MIDDLE, SyntheticProfiles.Curve.FALLING};
        for (int pc : PER_CLASS) {
            for (double sim : SIMILARITY) {
                for (double imb : new double[] {1.0, 5.0}) {
                    for (boolean unl : new boolean[] {false, true}) {
                        for (double ov : new double[] {0.0, 0.9}) {
                            for (SyntheticProfiles.Curve c : curves) {
                                SyntheticProfiles b = base(layers, parameters).perClass(pc).similarity(sim).imbalance(imb).overlap(ov).curve(c);
                                if (unl) {
                                    b.unlabelled(Math.max(500, pc * 5 * 2));
                                }
                                String label = String.format(Locale.ROOT, "perClass=%d similarity=%.2f imbalance=%.0f unlabelled=%s overlap=%.1f curve=%s",
                                        pc, sim, imb, unl, ov, c);
                                points.add(new Point(label, List.of(b.build())));
                            }
                        }
                    }
                }
                String at = String.format(Locale.ROOT, "perClass=%d similarity=%.2f", pc, sim);
                points.add(new Point(at + " geometry-mismatch data-hungry", List.of(base(layers, parameters).perClass(pc).similarity(sim)
                        .geometryMismatch().gain2x(0.05).build())));
                points.add(new Point(at + " steep-shift flat-curve", List.of(base(layers, parameters).perClass(pc).similarity(sim)
                        .shiftSlope(0.9).curve(SyntheticProfiles.Curve.FLAT).build())));
                points.add(new Point(at + " shifted-top flat-curve", List.of(base(layers, parameters).perClass(pc).similarity(sim)
                        .shiftSlope(0.0).topDrop(0.3).curve(SyntheticProfiles.Curve.FLAT).build())));
                points.add(new Point(at + " single-layer", List.of(base(List.of(layers.get(layers.size() - 1)), parameters)
                        .perClass(pc).similarity(sim).build())));
                points.add(new Point(at + " two-layers wide-interval", List.of(base(layers.subList(Math.max(0, layers.size() - 2), layers.size()), parameters)
                        .perClass(pc).similarity(sim).interval(0.2).build())));
                for (double spread : new double[] {0.0, 0.15}) {
                    List<DatasetProfile> models = new ArrayList<>();
                    for (int m = 0; m < 3; m++) {
                        models.add(base(layers, parameters).model("model-" + (char) ('a' + m)).perClass(pc).similarity(sim)
                                .accuracyOffset(-spread * m).build());
                    }
                    points.add(new Point(at + " models=3 spread=" + spread, models));
                }
                // two models the probe cannot tell apart, one reading the domain as far closer to its source
                points.add(new Point(at + " models=2 similarity-apart", List.of(base(layers, parameters).model("model-a").perClass(pc).similarity(sim).build(),
                        base(layers, parameters).model("model-b").perClass(pc).similarity(Math.max(0, sim - 0.2)).accuracyOffset(-0.01).build())));
                // a close call on similarity where the runner-up's own classifier is the more confident: it takes the runner-up
                points.add(new Point(at + " models=2 close-call confidence-apart", List.of(base(layers, parameters).model("model-a").perClass(pc).similarity(sim).build(),
                        base(layers, parameters).model("model-b").perClass(pc).similarity(Math.max(0, sim - 0.01)).confidence(0.9).build())));
                // three models in a close call, the third the most confident: only the runner-up may take the call, so the leader stays
                points.add(new Point(at + " models=3 close-call third-confident", List.of(base(layers, parameters).model("model-a").perClass(pc).similarity(sim).build(),
                        base(layers, parameters).model("model-b").perClass(pc).similarity(Math.max(0, sim - 0.01)).confidence(0.5).build(),
                        base(layers, parameters).model("model-c").perClass(pc).similarity(Math.max(0, sim - 0.02)).confidence(0.9).build())));
                // a close call on similarity where the runner-up's probe (and LogME) is the higher
                points.add(new Point(at + " models=2 close-call logme-apart", List.of(base(layers, parameters).model("model-a").perClass(pc).similarity(sim).build(),
                        base(layers, parameters).model("model-b").perClass(pc).similarity(Math.max(0, sim - 0.01)).accuracyOffset(0.05).build())));
            }
        }
        return points;
    }

    private static SyntheticProfiles base(List<String> layers, long parameters) {
        return SyntheticProfiles.profile().layers(layers).parameters(parameters);
    }

    /** The report as text lines, offending profiles first (at most 20 listed). */
    public static List<String> format(Report r) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "checked %d rules on %d grid points in %.1f s", r.rules(), r.points(), r.seconds()));
        StringBuilder sb = new StringBuilder("strategies chosen:");
        r.strategies().forEach((s, n) -> sb.append(' ').append(s).append('=').append(n));
        out.add(sb.toString());
        Set<String> unique = new LinkedHashSet<>(r.failures());
        if (!unique.isEmpty()) {
            out.add(unique.size() + " problem(s):");
            unique.stream().limit(MAX_LISTED).forEach(f -> out.add("  " + f));
            if (unique.size() > MAX_LISTED) {
                out.add("  ... and " + (unique.size() - MAX_LISTED) + " more");
            }
        }
        if (!r.neverFired().isEmpty()) {
            out.add(r.neverFired().size() + " rule(s) never fired on the grid: " + String.join(", ", r.neverFired()));
        }
        r.notes().forEach(n -> out.add("note: " + n));
        out.add(r.ok() ? "rules check: OK" : "rules check: FAILED");
        return out;
    }
}

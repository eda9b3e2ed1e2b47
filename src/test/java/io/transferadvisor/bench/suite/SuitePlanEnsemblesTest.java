package io.transferadvisor.bench.suite;

import static io.transferadvisor.bench.suite.SuiteAnalysisTest.CUTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which ENSEMBLE of one model's plans calibration chooses: the best per number of members, a larger one only beyond its interval. */
class SuitePlanEnsemblesTest {
    static final List<TrialKey> KINDS = TrialKey.planEnsembles(CUTS);

    /** Records both calibration tasks at two seeds (similarity 0.8: not familiar) with each plan ensemble's accuracy on each task. */
    static Map<String, SuiteAnalysis> record(Path dir, double[] small, double[] large) {
        SuiteSpec s = SuiteAnalysisTest.suite();
        SuiteResults r = SuiteResults.open(dir.resolve("r.jsonl"));
        for (long seed : new long[] {1, 2}) {
            SuiteAnalysisTest.record(r, s, "cal-small", seed, 0.60, 0.60, 0.60, 0.80);
            SuiteAnalysisTest.record(r, s, "cal-large", seed, 0.60, 0.60, 0.60, 0.80);
            for (int k = 0; k < KINDS.size(); k++) {
                SuiteFamiliarTest.extra(r, s, "cal-small", seed, KINDS.get(k), small[k]);
                SuiteFamiliarTest.extra(r, s, "cal-large", seed, KINDS.get(k), large[k]);
            }
        }
        return Map.of("m", new SuiteAnalysis(s, r, CUTS, s.tasks()));
    }

    static final Function<SuiteAnalysis.Run, String> TINY = run -> "TINY";
    static final Map<String, List<String>> CUT_MAP = Map.of("m", CUTS);

    /** The TINY steps calibration takes (the familiar threshold at 0.9, above every recorded run's 0.8). */
    static List<SuitePlanEnsembles.Step> tinySteps(Map<String, SuiteAnalysis> a) {
        return SuitePlanEnsembles.steps(a, CUT_MAP, TINY, 0.9, "TINY", CUTS);
    }

    /** One step: the ensemble chosen so far, the larger one measured against it, and whether it replaced it. */
    static void step(SuitePlanEnsembles.Step s, int from, int to, boolean taken) {
        assertThat(s.from()).isEqualTo(from);
        assertThat(s.to()).isEqualTo(to);
        assertThat(s.taken()).isEqualTo(taken);
    }

    @Test
    void aFourthMemberThatWinsOnEveryTaskIsTakenOverTheBestThreeMemberEnsemble(@TempDir Path dir) {
        // kinds: 0 pair, 1-4 three members, 5 and 6 four members, 7 five, 8 six; the oracle is the best kind on each task
        var a = record(dir, new double[] {0.70, 0.80, 0.75, 0.74, 0.78, 0.90, 0.85, 0.60, 0.60}, new double[] {0.70, 0.82, 0.75, 0.74, 0.78, 0.88, 0.80, 0.60, 0.60});
        List<SuitePlanEnsembles.Step> steps = tinySteps(a);
        assertThat(steps).hasSize(4);
        // three members over two: the best three-member kind (1) replaces the pair
        step(steps.get(0), 0, 1, true);
        assertThat(steps.get(0).gain()).isCloseTo(11.0, within(1e-9));
        // four over three: +10 and +6 points, an interval above zero
        step(steps.get(1), 1, 5, true);
        assertThat(steps.get(1).gain()).isCloseTo(8.0, within(1e-9));
        assertThat(steps.get(1).low()).isGreaterThan(0);
        // five over the four chosen: it loses on both tasks; six too
        step(steps.get(2), 5, 7, false);
        step(steps.get(3), 5, 8, false);
        assertThat(SuitePlanEnsembles.chosen(steps)).isEqualTo(5);
        assertThat(SuitePlanEnsembles.markdown(a, CUT_MAP, TINY, 0.9, Map.of("TINY", 5)))
                .contains("| calibration | TINY | 4 |", "Chosen on calibration for TINY data: " + KINDS.get(5).label().replace("ENSEMBLE of ", "")
                        + ". The rules: " + KINDS.get(5).label().replace("ENSEMBLE of ", "") + " (the same).");
    }

    @Test
    void aFourthMemberWhoseGainIsInsideItsIntervalIsNotTaken(@TempDir Path dir) {
        // the fourth member is lower in mean regret (wins 10 points on one task, loses 6 on the other) but its interval spans zero
        var a = record(dir, new double[] {0.70, 0.80, 0.75, 0.74, 0.78, 0.90, 0.60, 0.60, 0.60}, new double[] {0.70, 0.82, 0.75, 0.74, 0.78, 0.76, 0.60, 0.60, 0.60});
        List<SuitePlanEnsembles.Step> steps = tinySteps(a);
        step(steps.get(1), 1, 5, false);
        assertThat(steps.get(1).gain()).isCloseTo(2.0, within(1e-9));
        assertThat(steps.get(1).low()).isLessThanOrEqualTo(0);
        assertThat(SuitePlanEnsembles.chosen(steps)).isEqualTo(1);
        assertThat(SuitePlanEnsembles.markdown(a, CUT_MAP, TINY, 0.9, Map.of("TINY", 5))).contains("not taken", "(differs)");
    }

    @Test
    void aFifthMemberIsMeasuredAgainstTheEnsembleChosenSoFarNotAgainstTheFourNextToIt(@TempDir Path dir) {
        // four members (5) not beyond their interval over three (1); five (7) win 7 and 5 points over three on both tasks: taken
        var a = record(dir, new double[] {0.70, 0.80, 0.75, 0.74, 0.78, 0.90, 0.60, 0.87, 0.60}, new double[] {0.70, 0.82, 0.75, 0.74, 0.78, 0.76, 0.60, 0.87, 0.60});
        List<SuitePlanEnsembles.Step> steps = tinySteps(a);
        assertThat(steps).hasSize(4);
        step(steps.get(1), 1, 5, false);
        step(steps.get(2), 1, 7, true);
        step(steps.get(3), 7, 8, false);
        assertThat(SuitePlanEnsembles.chosen(steps)).isEqualTo(7);
    }

    @Test
    void familiarRunsAndLargeDataAreNotWhereTheRulesEnsemble() {
        assertThat(SuitePlanEnsembles.ensembled("TINY", 0.95, 0.9)).isFalse();
        assertThat(SuitePlanEnsembles.ensembled("SMALL", 0.89, 0.9)).isTrue();
        // familiar-domain stays below MEDIUM data
        assertThat(SuitePlanEnsembles.ensembled("MEDIUM", 0.95, 0.9)).isTrue();
        assertThat(SuitePlanEnsembles.ensembled("LARGE", 0.5, 0.9)).isFalse();
        // the size groups the report chooses for, and the rules train no plan ensemble on LARGE data
        assertThat(SuitePlanEnsembles.group("TINY")).isEqualTo("TINY");
        assertThat(SuitePlanEnsembles.group("SMALL")).isEqualTo("SMALL and MEDIUM");
        assertThat(SuitePlanEnsembles.group("MEDIUM")).isEqualTo("SMALL and MEDIUM");
        assertThat(SuitePlanEnsembles.group("LARGE")).isNull();
    }

    // the whole plan (since stop 45): the model the rules take, each kind in place of its plan ensemble, against any model's best trial

    /** The rules' plan per model on every run: model m's {@code mPlan}, model n's first single plan of the oracle grid. */
    static SuitePlanEnsembles.Plans plans(TrialKey mPlan, String size) {
        return new SuitePlanEnsembles.Plans() {
            @Override
            public TrialKey advised(SuiteModelChoice.Pair run, String model) {
                return model.equals("m") ? mPlan : TrialKey.oracle(CUTS).get(0);
            }

            @Override
            public String size(SuiteModelChoice.Pair run, String model) {
                return size;
            }
        };
    }

    /**
     * One run: {@code pick} taken; model m's plan ensembles at {@code m[k]} (NaN: not trained), model n's every kind at {@code n},
     * the rules' advised accuracies {@code advisedM} and {@code n}, the ensemble of both whole plans at {@code whole}.
     */
    static SuiteModelChoice.Pair run(String task, long seed, String pick, double[] m, double n, double advisedM, double whole) {
        SuiteSpec.Task t = SuiteAnalysisTest.suite().task(task);
        Map<String, Double> mt = new java.util.LinkedHashMap<>();
        Map<String, Double> nt = new java.util.LinkedHashMap<>();
        for (int k = 0; k < KINDS.size(); k++) {
            if (!Double.isNaN(m[k])) {
                mt.put(KINDS.get(k).id(), m[k]);
            }
            nt.put(KINDS.get(k).id(), n);
        }
        double mBest = mt.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return new SuiteModelChoice.Pair(t, seed, SuiteAnalysisTest.suite().calibration(t), Map.of("m", mBest, "n", n), Double.NaN, "m", 5, false, pick,
                0.1, Map.of("m", mt, "n", nt), Map.of("m", advisedM, "n", n), Double.NaN, whole, Map.of("m", 0.8, "n", 0.5), Map.of("m", 0.8, "n", 0.5));
    }

    /** Each of the nine kinds at its place: 0 the pair, 1-4 three members, 5-6 four, 7 five, 8 six. */
    static double[] kinds(double pair, double three, double four, double five, double six) {
        return new double[] {pair, three, three, three, three, four, four, five, six};
    }

    @Test
    void theWholePlanTakesASixthMemberThatWinsOnTheModelTheRulesTakeWhateverItDoesOnTheOther() {
        assertThat(KINDS).hasSize(9);
        assertThat(KINDS.get(8)).isEqualTo(TrialKey.tinyLinear(CUTS));
        List<SuiteModelChoice.Pair> pairs = new java.util.ArrayList<>();
        for (long seed : new long[] {1, 2}) {
            // cal-small: six members 0.80 against five at 0.76; cal-large: 0.78 against 0.75; model n, not taken, ties everywhere at 0.5
            pairs.add(run("cal-small", seed, "m", kinds(0.60, 0.70, 0.73, 0.76, 0.80), 0.5, 0.76, Double.NaN));
            pairs.add(run("cal-large", seed, "m", kinds(0.60, 0.70, 0.73, 0.75, 0.78), 0.5, 0.75, Double.NaN));
        }
        var plans = plans(KINDS.get(7), "TINY");
        Map<String, Double> six = SuitePlanEnsembles.wholePlanPerTask(pairs, Map.of("m", CUTS, "n", CUTS), plans, SuiteSpec.CALIBRATION, "TINY", 8, new int[1]);
        Map<String, Double> five = SuitePlanEnsembles.wholePlanPerTask(pairs, Map.of("m", CUTS, "n", CUTS), plans, SuiteSpec.CALIBRATION, "TINY", 7, new int[1]);
        // the oracle per task is the six members' seed mean, so they lose nothing and the five lose 4 and 3 points
        assertThat(six).containsOnlyKeys("cal-small", "cal-large").allSatisfy((t, v) -> assertThat(v).isCloseTo(0.0, within(1e-9)));
        assertThat(five.get("cal-small")).isCloseTo(4.0, within(1e-9));
        assertThat(five.get("cal-large")).isCloseTo(3.0, within(1e-9));
        List<SuitePlanEnsembles.Step> steps = SuitePlanEnsembles.wholePlanSteps(pairs, Map.of("m", CUTS, "n", CUTS), plans, "TINY", CUTS);
        assertThat(steps).hasSize(4);
        step(steps.get(3), 7, 8, true);
        assertThat(steps.get(3).gain()).isCloseTo(3.5, within(1e-9));
        assertThat(SuitePlanEnsembles.chosen(steps)).isEqualTo(8);
        // nothing in the SMALL and MEDIUM group: no run there
        assertThat(SuitePlanEnsembles.wholePlanSteps(pairs, Map.of("m", CUTS, "n", CUTS), plans, "SMALL and MEDIUM", CUTS)).isEmpty();
    }

    @Test
    void runsTheRulesDoNotEnsembleKeepTheirPlanAndTasksWithoutOneAreLeftOut() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                // cal-small: seed 1 ensembles m's plans (six at 0.80), seed 2 takes the ensemble of both models (0.90), kept
                run("cal-small", 1, "m", kinds(0.60, 0.70, 0.73, 0.76, 0.80), 0.5, 0.76, Double.NaN),
                run("cal-small", 2, SuiteModelChoice.ENSEMBLE, kinds(0.60, 0.70, 0.73, 0.76, 0.80), 0.5, 0.76, 0.90),
                // cal-large: n taken on both runs, its plan not an ensemble of m's: no run replaced, the task left out
                run("cal-large", 1, "n", kinds(0.60, 0.70, 0.73, 0.75, 0.78), 0.5, 0.75, Double.NaN),
                run("cal-large", 2, "n", kinds(0.60, 0.70, 0.73, 0.75, 0.78), 0.5, 0.75, Double.NaN));
        int[] runs = {0};
        Map<String, Double> six = SuitePlanEnsembles.wholePlanPerTask(pairs, Map.of("m", CUTS, "n", CUTS), plans(KINDS.get(7), "TINY"),
                SuiteSpec.CALIBRATION, "TINY", 8, runs);
        // oracle 0.80 (m's six members on both seeds; the ensemble of models is not a trial); the plan: (0.80 + 0.90) / 2 = 0.85
        assertThat(six).containsOnlyKeys("cal-small");
        assertThat(six.get("cal-small")).isCloseTo(0.0, within(1e-9));
        assertThat(runs[0]).isEqualTo(1);
        Map<String, Double> pair = SuitePlanEnsembles.wholePlanPerTask(pairs, Map.of("m", CUTS, "n", CUTS), plans(KINDS.get(7), "TINY"),
                SuiteSpec.CALIBRATION, "TINY", 0, new int[1]);
        // the pair on seed 1 (0.60) and the kept ensemble (0.90): 0.80 - 0.75 = 5 points
        assertThat(pair.get("cal-small")).isCloseTo(5.0, within(1e-9));
        // a kind not trained on a run it would replace leaves the task out; a run of another size group replaces nothing
        List<SuiteModelChoice.Pair> untrained = List.of(run("cal-small", 1, "m", kinds(0.60, 0.70, 0.73, 0.76, Double.NaN), 0.5, 0.76, Double.NaN));
        assertThat(SuitePlanEnsembles.wholePlanPerTask(untrained, Map.of("m", CUTS, "n", CUTS), plans(KINDS.get(7), "TINY"),
                SuiteSpec.CALIBRATION, "TINY", 8, new int[1])).isEmpty();
        assertThat(SuitePlanEnsembles.wholePlanPerTask(pairs, Map.of("m", CUTS, "n", CUTS), plans(KINDS.get(7), "SMALL"),
                SuiteSpec.CALIBRATION, "TINY", 8, new int[1])).isEmpty();
    }

    @Test
    void theReportComparesTheRulesWithTheWholePlanWhenSeveralModelsAreInPlay(@TempDir Path dir) {
        var a = record(dir, new double[] {0.70, 0.80, 0.75, 0.74, 0.78, 0.90, 0.85, 0.60, 0.60}, new double[] {0.70, 0.82, 0.75, 0.74, 0.78, 0.88, 0.80, 0.60, 0.60});
        List<SuiteModelChoice.Pair> pairs = new java.util.ArrayList<>();
        for (long seed : new long[] {1, 2}) {
            pairs.add(run("cal-small", seed, "m", kinds(0.60, 0.70, 0.73, 0.76, 0.80), 0.5, 0.80, Double.NaN));
            pairs.add(run("cal-large", seed, "m", kinds(0.60, 0.70, 0.73, 0.75, 0.78), 0.5, 0.78, Double.NaN));
        }
        String md = SuitePlanEnsembles.markdown(a, CUT_MAP, TINY, 0.9, Map.of("TINY", 8), pairs, plans(KINDS.get(8), "TINY"));
        // the per-model reading (four members) is shown, not as a choice the rules must follow; the whole plan (six) is
        assertThat(md.lines().filter(l -> l.startsWith("Chosen on calibration"))).hasSize(2);
        assertThat(md).contains("Per model (shown; the whole plan below is what the rules are held to), calibration's choice for TINY data: " + KINDS.get(5).label().replace("ENSEMBLE of ", "") + ".\n")
                .contains("| calibration | TINY | 4 |")
                .contains("Chosen on calibration for TINY data, the whole plan: " + KINDS.get(8).label().replace("ENSEMBLE of ", "") + ". The rules: "
                        + KINDS.get(8).label().replace("ENSEMBLE of ", "") + " (the same).");
    }
}

package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-choice section's arithmetic, on runs made up so each number can be worked out by hand. */
class SuiteModelChoiceTest {
    static SuiteSpec.Task task(String id) {
        return new SuiteSpec.Task(id, "f", "glyphs", List.of("A", "B"), "B", null, 4, 25, 0);
    }

    static SuiteModelChoice.Pair pair(String id, long seed, boolean calibration, double a, double b, double ensemble, String top, double gap,
                                      String pick) {
        Map<String, Double> oracle = new LinkedHashMap<>();
        oracle.put("a", a);
        oracle.put("b", b);
        return new SuiteModelChoice.Pair(task(id), seed, calibration, oracle, ensemble, top, gap, gap < 2, pick, 0.01, Map.of(), Map.of(), Double.NaN, Double.NaN, Map.of(), Map.of());
    }

    static SuiteModelChoice.Pair pair(String id, long seed, double a, double b, double ensemble, String top, double gap, String pick) {
        return pair(id, seed, false, a, b, ensemble, top, gap, pick);
    }

    static final List<SuiteModelChoice.Pair> PAIRS = List.of(
            pair("t1", 1, 0.90, 0.80, 0.88, "a", 5, "a"),    // right pick: 0; always b loses 10; the ensemble 2; gain over top a: -2
            pair("t1", 2, 0.90, 0.86, 0.92, "b", 1, "b"),    // wrong pick: 4; the ensemble beats both: 0; gain over top b: +6
            pair("t2", 1, 0.70, 0.76, 0.80, "b", 0.5, SuiteModelChoice.ENSEMBLE), // ensemble chosen and trained: 0; gain +4
            pair("t3", 1, 0.50, 0.60, Double.NaN, "a", 1, SuiteModelChoice.ENSEMBLE), // ensemble not trained: unscored
            pair("c1", 1, true, 0.80, 0.70, 0.78, "a", 3, "a"),  // calibration: top right (0), the ensemble loses 2
            pair("c2", 1, true, 0.60, 0.70, 0.72, "a", 1.5, SuiteModelChoice.ENSEMBLE)); // top wrong (10), the ensemble 0

    @Test
    void regretsAreTheBetterModelsOracleMinusTheChoiceAndUntrainedEnsemblesAreNotScored() {
        String md = SuiteModelChoice.markdown(PAIRS, List.of("a", "b"), 2);
        // always a: t1 0, t2 6, t3 10 -> 5.33; always b: t1 (10 + 4) / 2 = 7, t2 0, t3 0 -> 2.33;
        // always the ensemble: t1 (2 + 0) / 2 = 1, t2 0 (t3 unscored) -> 0.50; the probe's top: t1 (0 + 4) / 2 = 2, t2 0, t3 10 -> 4.00;
        // the rules: t1 2, t2 0 (t3 unscored) -> 1.00; within 1 point: t2 only
        assertThat(md).contains("| held-out | 3 | 4 | 5.33 | 2.33 | 0.50 | 4.00 | **1.00** | 1 of 3 | 2 | 1 |");
        // the gain table at the rules' gap 2: t1 s2 (+6) and t2 (+4) are within it, both ahead; t1 s1 (gap 5, -2) is not
        assertThat(md).contains("| held-out | <= 2 | 2 | 2 | +5.00 | [+4.00, +6.00] | 2 |").contains("| held-out | > 2 | 1 | 1 | -2.00 | [-2.00, -2.00] | 0 |");
        assertThat(md).contains("| t1 | held-out | 0.9000 | 0.8300 | 0.9000 | a, b | 2.0 |")
                .contains("| t2 | held-out | 0.7000 | 0.7600 | 0.8000 | ENSEMBLE | 0.0 |")
                .contains("| t3 | held-out | 0.5000 | 0.6000 | n/a | ENSEMBLE | n/a |");
    }

    @Test
    void theGapSweepScoresModelChoiceOnTheRunsWhoseBestTrialEnsembleIsTrained() {
        String md = SuiteModelChoice.markdown(PAIRS, List.of("a", "b"), 2);
        // model choice, never: calibration c1 0, c2 10 -> 5.00 (worst 10); held-out (trained runs only) t1 (0 + 4) / 2, t2 0 -> 1.00 (worst 2);
        // these runs have no whole plans trained, so that column is empty and nothing is chosen
        assertThat(md).contains("| never (-1) | n/a (-) | 5.00 (10.0) | 0 of 2 | n/a (-) | 1.00 (2.0) | 0 of 3 |");
        // 2: c2 (gap 1.5) ensembles -> 0, c1 (gap 3) alone -> 0; held-out t1 s2 and t2 ensemble -> 0
        assertThat(md).contains("| 2 | n/a (-) | 0.00 (0.0) | 1 of 2 | n/a (-) | 0.00 (0.0) | 2 of 3 |");
        // always: c1 2, c2 0 -> 1.00; held-out t1 (2 + 0) / 2, t2 0 -> 0.50
        assertThat(md).contains("| always (100) | n/a (-) | 1.00 (2.0) | 2 of 2 | n/a (-) | 0.50 (1.0) | 3 of 3 |");
        // the threshold-free alternative (here: overlap = gap below 2, so the same picks as 2)
        assertThat(md).contains("| interval overlap (runner-up's upper bound >= top's lower bound) | n/a (-) | 0.00 (0.0) | 1 of 2 | n/a (-) | 0.00 (0.0) | 2 of 3 |");
        assertThat(md).contains("No calibration run has its advised plans and ensembles trained yet.");
        String overlapRules = SuiteModelChoice.markdown(PAIRS, List.of("a", "b"), Double.NaN);
        assertThat(overlapRules).contains("| held-out | overlap | 2 | 2 | +5.00 |").contains("| held-out | apart | 1 | 1 | -2.00 |");
        // rules without ensemble.maxProbeGap never ensemble the models: the sweep names them "never (-1)", and the similarity lead,
        // which only replaces an ensemble of models, has nothing to sweep
        assertThat(overlapRules).contains("(the rules hold no ensemble.maxProbeGap: they never ensemble the models)")
                .contains("The rules hold no ensemble.maxProbeGap: they never ensemble the models, so there is no ensemble for a similarity lead to replace")
                .doesNotContain("| models.similarityLead |");
        assertThat(SuiteModelChoice.similarityLead(PAIRS, Double.NaN, Double.NaN)).doesNotContain("Chosen on calibration");
    }

    /** A run of models a (oracle .90) and b (.80): the probe ranks {@code top} first by {@code gap} points. */
    static SuiteModelChoice.Pair gapRun(String id, boolean calibration, double gap, double advisedTop, double wholeEnsemble) {
        return new SuiteModelChoice.Pair(task(id), 1, calibration, ab(0.90, 0.80), 0.85, "a", gap, gap < 2, "a", 0.01, Map.of(),
                ab(advisedTop, 0.70), Double.NaN, wholeEnsemble, Map.of(), Map.of());
    }

    @Test
    void theGapIsSetOnTheCalibrationRunsWholePlanAndEnsemblingMustBeatNeverBeyondItsInterval() {
        List<SuiteModelChoice.Pair> runs = List.of(
                gapRun("c1", true, 1, 0.88, 0.90),     // top alone 2, the ensemble of the models' whole plans 0: gain +2
                gapRun("c2", true, 4, 0.85, 0.89),     // 5 against 1: +4
                gapRun("c3", true, 10, 0.89, 0.80),    // 1 against 10: -9
                gapRun("c4", true, 1.5, 0.80, 0.86),   // 10 against 4: +6
                gapRun("h1", false, 10, 0.70, 0.90));  // held-out: ensembling at 12 would gain 20, and moves nothing
        String md = SuiteModelChoice.gapSweep(runs, "5");
        // never (2 + 5 + 1 + 10) / 4; 2 ensembles c1 and c4: (0 + 5 + 1 + 4) / 4; 5 adds c2: 1.50; 12 adds c3: 3.75
        assertThat(md).contains("| never (-1) | 4.50 (10.0) |").contains("| 2 | 2.50 (5.0) |").contains("| 5 | 1.50 (4.0) |")
                .contains("| 8 | 1.50 (4.0) |").contains("| 12 | 3.75 (10.0) |").contains("| 12 | 3.75 (10.0) | 5.00 (5.0) | 4 of 4 | 0.00 (0.0) | 5.00 (5.0) | 1 of 1 |");
        // 5 and 8 tie with as many ensembles: the first stays; its gain over never, by task: +2, +4, 0, +6
        assertThat(md).contains("Lowest on calibration: 5 (1.50 points); the gain of ensembling at 5 (more networks) over never, paired by task, +3.00")
                .contains("above zero, taken").contains("Chosen on calibration: 5. The rules: 5 (the same).");
        // a gain that is +4 on one task and -3 on the other: the interval reaches zero, so never ensembling stays
        List<SuiteModelChoice.Pair> split = List.of(gapRun("x", true, 1, 0.85, 0.89), gapRun("y", true, 1, 0.89, 0.86));
        assertThat(SuiteModelChoice.gapSweep(split, "12")).contains("Lowest on calibration: 1 (2.50 points)")
                .contains("the interval reaches zero, so the models are not ensembled")
                .contains("Chosen on calibration: never (-1). The rules: 12: they differ");
        // the held-out runs cannot move the choice: without the calibration runs there is none
        assertThat(SuiteModelChoice.gapSweep(runs.subList(4, 5), "5")).contains("No calibration run has its advised plans and ensembles trained yet.");
    }

    static SuiteModelChoice.Pair simRun(String id, boolean calibration, double a, double b, String top, String pick, double simA, double simB) {
        return new SuiteModelChoice.Pair(task(id), 1, calibration, ab(a, b), Double.NaN, top, 1, true, pick, 0.01, Map.of(),
                ab(Double.NaN, Double.NaN), Double.NaN, Double.NaN, ab(simA, simB), Map.of());
    }

    @Test
    void closeCallsSplitTheModelChoiceByHowFarTheChosenModelsSimilarityLeads() {
        List<SuiteModelChoice.Pair> runs = List.of(
                simRun("c1", true, 0.90, 0.80, "b", "a", 0.895, 0.890),   // lead 0.005: the rules right, the probe's top 10 points off
                simRun("c2", true, 0.80, 0.90, "a", "a", 0.93, 0.90),     // lead 0.03: both 10 off
                simRun("c3", true, 0.80, 0.90, "a", "b", 0.70, 0.90),     // lead 0.2 for b: the rules right
                simRun("h1", false, 0.80, 0.90, "b", "a", 0.915, 0.90),   // held-out, lead 0.015: the rules 10 off
                simRun("c4", true, 0.80, 0.90, "a", "b", 0.93, 0.90));    // lead 0.03 for a, the rules took b (a close call): right
        assertThat(SuiteModelChoice.lead(runs.get(2))).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        // the lead is the most similar model's, whichever the rules took
        assertThat(SuiteModelChoice.lead(runs.get(4))).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
        String md = SuiteModelChoice.closeCalls(runs);
        assertThat(md).contains("| calibration | under 0.01 | 1 | 1 | 0.00 | 10.00 |")
                .contains("| calibration | 0.01 to under 0.02 | 0 | 0 | n/a | n/a |")
                .contains("| calibration | 0.02 to under 0.05 | 2 | 2 | 5.00 | 10.00 |")
                .contains("| calibration | 0.05 or more | 1 | 1 | 0.00 | 10.00 |")
                .contains("| held-out | 0.01 to under 0.02 | 1 | 1 | 10.00 | 0.00 |");
    }

    @Test
    void ensemblingIsMeasuredAgainstTheModelTheRulesTakeAloneNotTheProbesTop() {
        // the probe ranks a first, the rules take b alone (its similarity leads): never ensembling scores b's plan (.89: 1 point),
        // not a's (.80: 10), and the ensemble of the whole plans (.86: 4) loses 3 to it, not gains 6
        SuiteModelChoice.Pair run = new SuiteModelChoice.Pair(task("s1"), 1, true, ab(0.90, 0.80), 0.85, "a", 1, true, "b", 0.01, Map.of(),
                ab(0.80, 0.89), Double.NaN, 0.86, Map.of(), Map.of());
        assertThat(run.single()).isEqualTo("b");
        String md = SuiteModelChoice.gapSweep(List.of(run, gapRun("s2", true, 5, 0.85, 0.88)), SuiteModelChoice.NEVER_GAP);
        // never: (1 + 5) / 2; at 1 s1 ensembles: (4 + 5) / 2
        assertThat(md).contains("| never (-1) | 3.00 (5.0) |").contains("| 1 | 4.50 (5.0) |").contains("Chosen on calibration: never (-1). The rules: never (-1) (the same).");
        // where the rules ensemble, the single model is the probe's top
        assertThat(gapRun("s3", true, 1, 0.85, 0.88).single()).isEqualTo("a");
        SuiteModelChoice.Pair ens = new SuiteModelChoice.Pair(task("s4"), 1, true, ab(0.90, 0.80), 0.85, "b", 1, true, SuiteModelChoice.ENSEMBLE,
                0.01, Map.of(), ab(0.80, 0.89), Double.NaN, 0.86, Map.of(), Map.of());
        assertThat(ens.single()).isEqualTo("b");
    }

    static final String K1 = "FINETUNE_ALL|-|0|SOFTMAX";
    static final String K2 = "FROM_SCRATCH|-|0|SOFTMAX";

    static SuiteModelChoice.Pair plan(String id, boolean calibration, double a, double b, Map<String, Map<String, Double>> trials, double advA,
                                      double advB, double advEns, String top, String pick) {
        return plan(id, calibration, a, b, trials, advA, advB, advEns, advEns, top, pick);
    }

    static SuiteModelChoice.Pair plan(String id, boolean calibration, double a, double b, Map<String, Map<String, Double>> trials, double advA,
                                      double advB, double advEns, double whole, String top, String pick) {
        return new SuiteModelChoice.Pair(task(id), 1, calibration, ab(a, b), Double.NaN, top, 1, true, pick, 0.01, trials, ab(advA, advB), advEns, whole,
                Map.of(), Map.of());
    }

    @Test
    void theWholePlanIsScoredAgainstTheBestTrialOfAnyModelBesideFixedPolicies() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                // best trial of any model .90; the advisor takes a's plan (.88): 2; always b's plan 20; the advised ensemble 1
                plan("w1", false, 0.90, 0.80, Map.of("a", Map.of(K1, 0.90, K2, 0.85), "b", Map.of(K1, 0.80)), 0.88, 0.70, 0.89, "a", "a"),
                // best .80 (b); the advisor ensembles (.75): 5; always a 20, always b 1; the probe's top (a) 20
                plan("w2", false, 0.60, 0.80, Map.of("a", Map.of(K1, 0.60), "b", Map.of(K1, 0.80)), 0.60, 0.79, 0.75, "a", SuiteModelChoice.ENSEMBLE),
                // calibration: b's FINETUNE_ALL is the best fixed (0 points; a's two trials 2 and 12)
                plan("c1", true, 0.70, 0.72, Map.of("a", Map.of(K1, 0.70, K2, 0.60), "b", Map.of(K1, 0.72)), 0.70, 0.72, 0.71, "b", "b"));
        String md = SuiteModelChoice.wholePlan(pairs, List.of("a", "b"));
        assertThat(md).contains("| **the advisor** (the rules' model or ensemble, with its plan) | 3.50 (5.0) | 2.00-5.00 | 0 of 2 | 0.00 (0.0) | 0.00-0.00 | 1 of 1 |")
                .contains("| always a, the rules' plan for it | 11.00 (20.0) |")
                .contains("| always b, the rules' plan for it | 10.50 (20.0) | 1.00-20.00 | 1 of 2 |")
                .contains("| always the ensemble of the advised plans | 3.00 (5.0) | 1.00-5.00 | 1 of 2 |")
                .contains("| the probe's top model, the rules' plan for it | 11.00 (20.0) |")
                // b's FINETUNE_ALL held out: w1 .80 -> 10, w2 .80 -> 0
                .contains("| best fixed on calibration: b FINETUNE_ALL | 5.00 (10.0) | 0.00-10.00 | 1 of 2 | 0.00 (0.0) |")
                // the better of a's plan, b's plan and their ensemble, per run: w1 a's .88 (the ensemble .89 is better: 1), w2 .79: 1
                .contains("| *reference: the best of the rules' options on each run (either model with its plan, or their ensemble), picked after the fact* "
                        + "| 1.00 (1.0) | 1.00-1.00 | 2 of 2 |");
    }

    @Test
    void theWholePlanIsAlsoScoredAgainstTheOraclePerTaskAsIssue8DefinesIt() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                // seed 1: a's K1 is lucky (.90); the advisor takes a's plan (.85): 5 points against this run's best
                plan("t1", false, 0.90, 0.50, Map.of("a", Map.of(K1, 0.90, K2, 0.80)), 0.85, 0.70, 0.80, "a", "a"),
                // seed 2: K2 is best (.84); the advisor .83: 1 point
                plan("t1", false, 0.84, 0.50, Map.of("a", Map.of(K1, 0.70, K2, 0.84)), 0.83, 0.70, 0.80, "a", "a"));
        String md = SuiteModelChoice.wholePlan(pairs, List.of("a", "b"));
        String perTask = md.substring(md.indexOf("Against the oracle per task, as issue 8 defines it"));
        // per run: (5 + 1) / 2; per task: the best seed mean is K2's .82, below the advisor's .84, so 0; always b (.70) 12 points
        assertThat(md.substring(0, md.indexOf("Against the oracle per task")))
                .contains("| **the advisor** (the rules' model or ensemble, with its plan) | 3.00 (3.0) | 3.00-3.00 | 0 of 1 | - | - | - |");
        assertThat(perTask).contains("| **the advisor** (the rules' model or ensemble, with its plan) | 0.00 (0.0) | 0.00-0.00 | 1 of 1 | - | - | - |")
                .contains("| always b, the rules' plan for it | 12.00 (12.0) | 12.00-12.00 | 0 of 1 |");
        // a trial missing on one seed is not a candidate: with K2 gone from seed 2 the oracle is K1's .80, the advisor still above it
        assertThat(SuiteModelChoice.taskOracle(List.of(pairs.get(0), plan("t1", false, 0.70, 0.50, Map.of("a", Map.of(K1, 0.70)), 0.83, 0.70, 0.80, "a", "a"))))
                .isCloseTo(0.80, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void theEnsembleOfEachModelsWholePlanIsScoredBesideTheRulesWhereTrained() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                // the advisor takes a's plan (.88): 2 either way; the whole plans' ensemble .86: 4
                plan("w1", false, 0.90, 0.80, Map.of("a", Map.of(K1, 0.90)), 0.88, 0.70, 0.89, 0.86, "a", "a"),
                // the advisor ensembles: one plan per model .75 -> 5; each model's whole plan .79 -> 1
                plan("w2", false, 0.60, 0.80, Map.of("b", Map.of(K1, 0.80)), 0.60, 0.79, 0.75, 0.79, "a", SuiteModelChoice.ENSEMBLE),
                // calibration, not trained yet: no number
                plan("c1", true, 0.70, 0.72, Map.of("b", Map.of(K1, 0.72)), 0.70, 0.72, 0.71, Double.NaN, "b", "b"));
        String md = SuiteModelChoice.wholePlan(pairs, List.of("a", "b"));
        assertThat(md).contains("| **the advisor** (the rules' model or ensemble, with its plan) | 1.50 (2.0) |")
                .contains("| the rule before: an ensemble of models with one plan per model | 3.50 (5.0) |")
                .contains("| always the ensemble of every model's whole plan | 2.50 (4.0) | 1.00-4.00 | 1 of 2 | - | - | - |");
    }

    @Test
    void theGainOfEnsemblingModelsIsPairedWithTheTopModelsPlanOnTheRunsWhereTheRulesEnsemble() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                // ensembled: the top model a's plan .60 -> 20 points, the whole plans' ensemble .79 -> 1: gain 19
                plan("w2", false, 0.60, 0.80, Map.of("b", Map.of(K1, 0.80)), 0.60, 0.79, 0.75, 0.79, "a", SuiteModelChoice.ENSEMBLE),
                // ensembled, and worse than the top model b's plan (.78 -> 2) at .74 -> 6: gain -4
                plan("w3", false, 0.60, 0.80, Map.of("b", Map.of(K1, 0.80)), 0.60, 0.78, 0.75, 0.74, "b", SuiteModelChoice.ENSEMBLE),
                // not ensembled: left out
                plan("w1", false, 0.90, 0.80, Map.of("a", Map.of(K1, 0.90)), 0.88, 0.70, 0.89, 0.86, "a", "a"));
        String md = SuiteModelChoice.wholePlanEnsembleGain(pairs);
        assertThat(md).contains("| held-out | 2 | 2 | +7.50 | [-4.00, +19.00] | 1 |").doesNotContain("| calibration |");
    }

    @Test
    void noCompleteRunSaysWhatToRun() {
        assertThat(SuiteModelChoice.markdown(List.of(), List.of("a", "b"), 2)).contains("No run has every model's oracle recorded yet");
    }

    static SuiteModelChoice.Pair lead(String id, boolean calibration, double a, double b, double ensemble, double advA, double advB, double whole,
                                      double simA, double simB, double gap) {
        return new SuiteModelChoice.Pair(task(id), 1, calibration, ab(a, b), ensemble, "a", gap, true, gap <= 8 ? SuiteModelChoice.ENSEMBLE : "a", 0.01,
                Map.of(), ab(advA, advB), whole, whole, ab(simA, simB), Map.of());
    }

    /** Model a's and model b's values, in that order. */
    static Map<String, Double> ab(double a, double b) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        return m;
    }

    /**
     * A run with a probe gap of 1 point: oracles .90 (a) and .80 (b), advised plans {@code advA} and {@code advB}, similarities
     * {@code simA} and {@code simB}, LogME as given; the probe's top model is {@code top}, the rules picked {@code pick}.
     */
    static SuiteModelChoice.Pair single(String id, boolean calibration, double advA, double advB, double simA, double simB,
                                        double logA, double logB, String top, String pick) {
        return new SuiteModelChoice.Pair(task(id), 1, calibration, ab(0.90, 0.80), Double.NaN, top, 1, false, pick, 0.01, Map.of(),
                ab(advA, advB), Double.NaN, Double.NaN, ab(simA, simB), ab(0.70, 0.69), ab(0.6, 0.59), ab(logA, logB));
    }

    @Test
    void theChoiceBetweenSingleModelsIsReadOnCalibrationAndReplacesTheIncumbentOnlyBeyondItsInterval() {
        List<SuiteModelChoice.Pair> runs = List.of(
                // close calls (b leads by 0.02-0.04), LogME prefers a, and a's plan wins (by 5, 8, 4 points); the probe prefers b
                single("c1", true, 0.85, 0.80, 0.70, 0.72, -1, -2, "b", "b"),
                single("c2", true, 0.88, 0.80, 0.60, 0.63, -1, -2, "b", "b"),
                single("c3", true, 0.86, 0.82, 0.70, 0.74, -1, -2, "b", "b"),
                // a leads by 0.10, no close call; LogME alone would take b, whose plan loses 20
                single("c4", true, 0.90, 0.70, 0.90, 0.80, -2, -1, "a", "a"),
                // held-out: a close call where a (LogME's) is far worse: it cannot move the choice
                single("h1", false, 0.60, 0.90, 0.70, 0.72, -1, -2, "b", "b"));
        String md = SuiteModelChoice.singleChoiceSweep(runs, SuiteModelChoice.SIMILARITY);
        // whole plan (best trial .90): the most similar (b, b, b, a) 10, 10, 8, 0 -> 7.00, as the probe's top
        assertThat(md).contains("| the highest overall similarity | 7.00 (10.0) |")
                .contains("| the probe's top model | 7.00 (10.0) |")
                // LogME alone: a, a, a, b -> 5, 2, 4, 20 -> 7.75
                .contains("| the highest LogME (best layer) | 7.75 (20.0) |")
                // similarity, LogME on a close call: a, a, a, a -> 5, 2, 4, 0 -> 2.75; held-out a: 30
                .contains("| " + SuiteModelChoice.CLOSE_CALL_LOGME + " | 2.75 (5.0) | 0.00 (4 of 4) | 30.00 (30.0) |")
                // gains by task +5, +8, +4, 0 over the incumbent: above zero, taken
                .contains("Lowest on calibration: " + SuiteModelChoice.CLOSE_CALL_LOGME + " (2.75 points); its gain over the highest overall "
                        + "similarity, paired by task, +4.25")
                .contains("above zero, taken")
                .contains("Chosen on calibration: " + SuiteModelChoice.CLOSE_CALL_LOGME + ". The rules: the highest overall similarity: they differ");
        // the rules' row is found by their picks: a on the close calls
        List<SuiteModelChoice.Pair> byLogme = runs.stream().map(p -> single(p.task().id(), p.calibration(), p.advised().get("a"), p.advised().get("b"),
                p.similarity().get("a"), p.similarity().get("b"), p.logme().get("a"), p.logme().get("b"), p.top(),
                "a")).toList();
        assertThat(SuiteModelChoice.singleChoiceSweep(byLogme, SuiteModelChoice.SIMILARITY)).contains("The rules: " + SuiteModelChoice.CLOSE_CALL_LOGME + " (the same).");
        // a gain on one task and a loss on another: the interval reaches zero, the incumbent stays
        List<SuiteModelChoice.Pair> mixed = List.of(single("x", true, 0.85, 0.80, 0.70, 0.72, -1, -2, "b", "b"),
                single("y", true, 0.82, 0.86, 0.70, 0.72, -1, -2, "b", "b"));
        assertThat(SuiteModelChoice.singleChoiceSweep(mixed, SuiteModelChoice.SIMILARITY)).contains("the interval reaches zero, so the highest overall similarity stays")
                .contains("Chosen on calibration: the highest overall similarity. The rules: the highest overall similarity (the same).");
        // held-out alone chooses nothing
        assertThat(SuiteModelChoice.singleChoiceSweep(runs.subList(4, 5), SuiteModelChoice.SIMILARITY)).contains("No calibration run has its advised plans trained yet.");
    }

    /** A run whose short trials were made: each model's out-of-fold log loss, 12 s of trials against 4 s of probes. */
    static SuiteModelChoice.Pair tried(String id, boolean calibration, double advA, double advB, double simA, double simB, double lossA, double lossB) {
        // the probe, its lower bound and LogME all prefer b, far apart (a probe gap of 50 points), so no other candidate takes a
        return new SuiteModelChoice.Pair(task(id), 1, calibration, ab(0.90, 0.80), Double.NaN, "b", 50, false, simA >= simB ? "a" : "b", 0.01,
                Map.of(), ab(advA, advB), Double.NaN, Double.NaN, ab(simA, simB), ab(0.20, 0.70), ab(0.1, 0.6), ab(-2, -1), ab(lossA, lossB),
                12.0, 4.0, Map.of());
    }

    @Test
    void theShortTrialIsAskedUnderEachLeadAndScoredLikeEveryCandidateWithItsCost() {
        List<SuiteModelChoice.Pair> runs = List.of(
                // b leads by 0.03, the trial prefers a, whose plan wins by 5
                tried("c1", true, 0.85, 0.80, 0.70, 0.73, 0.5, 0.9),
                // b leads by 0.15, the trial prefers a, whose plan wins by 8
                tried("c2", true, 0.88, 0.80, 0.60, 0.75, 0.4, 0.8),
                // a leads by 0.30, the trial prefers b, whose plan loses by 20
                tried("c3", true, 0.90, 0.70, 0.90, 0.60, 0.9, 0.6),
                // b leads by 0.08, the trial prefers a, whose plan wins by 3
                tried("c4", true, 0.83, 0.80, 0.62, 0.70, 0.5, 0.7),
                // held-out: b leads by 0.01 and the trial prefers a, whose plan loses by 30: it cannot move the choice
                tried("h1", false, 0.60, 0.90, 0.70, 0.71, 0.5, 0.9));
        String md = SuiteModelChoice.singleChoiceSweep(runs, SuiteModelChoice.SIMILARITY);
        // whole plan against .90: similarity takes b, b, a, b -> 10, 10, 0, 10 = 7.50
        assertThat(md).contains("| the highest overall similarity | 7.50 (10.0) |")
                // the trial always: a, a, b, a -> 5, 2, 20, 7 = 8.50
                .contains("| " + SuiteModelChoice.SHORT_TRIAL + " | 8.50 (20.0) |")
                // under 0.05 only c1 asks it: 5, 10, 0, 10 = 6.25; under 0.1 c1 and c4: 5, 10, 0, 7 = 5.50; under 0.2 also c2: 5, 2, 0, 7 = 3.50
                .contains("| " + SuiteModelChoice.shortTrialUnder(0.05) + " | 6.25 (10.0) |")
                .contains("| " + SuiteModelChoice.shortTrialUnder(0.1) + " | 5.50 (10.0) |")
                .contains("| " + SuiteModelChoice.shortTrialUnder(0.2) + " | 3.50 (7.0) |")
                // held-out, set nothing: every lead asks the trial on h1, which takes a: 30 points
                .contains("| " + SuiteModelChoice.shortTrialUnder(0.05) + " | 6.25 (10.0) | 5.00 (2 of 4) | 30.00 (30.0) | 0.00 (1 of 1) |")
                .contains("The short trial's cost (5 runs with every model's trial): 12.0 s per run for every model's 3 folds, against 4.0 s for their probes (3.0x)")
                .contains("Lowest on calibration: " + SuiteModelChoice.shortTrialUnder(0.2) + " (3.50 points); its gain over the highest overall similarity, "
                        + "paired by task, +4.00");
        // runs without trials leave the trial's rows unscored, and the cost unsaid
        List<SuiteModelChoice.Pair> none = List.of(single("x", true, 0.85, 0.80, 0.70, 0.72, -1, -2, "b", "b"));
        assertThat(SuiteModelChoice.singleChoiceSweep(none, SuiteModelChoice.SIMILARITY)).contains("| " + SuiteModelChoice.SHORT_TRIAL + " | n/a (-) | n/a (0 of 1) |")
                .doesNotContain("short trial's cost");
    }

    @Test
    void theSourceClassifiersConfidenceBreaksOnlyACloseCall() {
        java.util.function.Function<double[], SuiteModelChoice.Pair> run = v -> new SuiteModelChoice.Pair(task("t" + (int) v[0]), 1, v[1] > 0,
                ab(0.90, 0.80), Double.NaN, "b", 50, false, v[4] >= v[5] ? "a" : "b", 0.01, Map.of(), ab(v[2], v[3]), Double.NaN, Double.NaN,
                ab(v[4], v[5]), ab(0.20, 0.70), ab(0.1, 0.6), ab(-2, -1), Map.of(), Double.NaN, 1.0, ab(v[6], v[7]));
        String md = SuiteModelChoice.singleChoiceSweep(List.of(
                // b leads by 0.03, a's classifier is the more confident and a's plan wins by 5: taken
                run.apply(new double[] {1, 1, 0.85, 0.80, 0.70, 0.73, 0.9, 0.6}),
                // a leads by 0.30: no close call, whatever the confidence says
                run.apply(new double[] {2, 1, 0.90, 0.70, 0.90, 0.60, 0.5, 0.9}),
                // held-out: b leads by 0.01, a is the more confident and its plan loses by 30
                run.apply(new double[] {3, 0, 0.60, 0.90, 0.70, 0.71, 0.9, 0.6})), SuiteModelChoice.SIMILARITY);
        // whole plan against .90: a, a -> 5, 0 = 2.50; model choice a, a against a's better oracle: 0; held-out a: 30 and 0
        assertThat(md).contains("| " + SuiteModelChoice.CLOSE_CALL_CONFIDENCE + " | 2.50 (5.0) | 0.00 (2 of 2) | 30.00 (30.0) | 0.00 (1 of 1) |")
                // similarity: b, a -> 10, 0
                .contains("| the highest overall similarity | 5.00 (10.0) |");
        // without the confidence the candidate is not scored
        assertThat(SuiteModelChoice.singleChoiceSweep(List.of(single("x", true, 0.85, 0.80, 0.70, 0.72, -1, -2, "b", "b")), SuiteModelChoice.SIMILARITY))
                .contains("| " + SuiteModelChoice.CLOSE_CALL_CONFIDENCE + " | n/a (-) |");
    }

    @Test
    void theSimilarityLeadIsSweptOnCalibrationByTheWholePlanAndTouchesOnlyTheRunsTheRulesEnsemble() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                // a leads by 0.10: alone 0 points, the ensemble of whole plans 5 (model choice: the best trials' ensemble 4)
                lead("c1", true, 0.80, 0.70, 0.76, 0.80, 0.60, 0.75, 0.90, 0.80, 1),
                // b leads by 0.03: alone its plan loses 10 (its oracle 0 as a model choice), the ensemble 1 (model choice 2)
                lead("c2", true, 0.70, 0.72, 0.70, 0.70, 0.62, 0.71, 0.85, 0.88, 1),
                // the probe gap (20) is past ensemble.maxProbeGap (8): a alone: no threshold moves it
                lead("c3", true, 0.90, 0.80, 0.85, 0.90, 0.80, 0.85, 0.50, 0.90, 20),
                // held-out: b leads by 0.2 and would lose 30 points; it cannot move the choice
                lead("h1", false, 0.80, 0.60, 0.78, 0.80, 0.50, 0.75, 0.70, 0.90, 1));
        String md = SuiteModelChoice.similarityLead(pairs, 8, Double.NaN);
        assertThat(md).contains("| never (the ensemble stays) | 2.00 (5.0) | 2.00 (1 of 3) | 2 of 3 | 5.00 (5.0) | 2.00 (0 of 1) | 1 of 1 |")
                .contains("| 0.02 | 3.33 (10.0) | 0.00 (3 of 3) | 0 of 3 | 30.00 (30.0) | 20.00 (0 of 1) | 0 of 1 |")
                .contains("| 0.03 | 3.33 (10.0) |")
                .contains("| 0.05 | 0.33 (1.0) | 0.67 (2 of 3) | 1 of 3 | 30.00 (30.0) | 20.00 (0 of 1) | 0 of 1 |")
                .contains("| 0.1 | 0.33 (1.0) |")
                .contains("| 0.15 | 2.00 (5.0) |")
                // 0.08 and 0.1 tie with 0.05 at as many ensembles: the first stays. The lead saves networks, so (since stop 34) it needs
                // only the lowest regret: ensembling would have to gain over it, and per task it gains -5, 0 and 0 (a third of the
                // resamples draw no c1); until stop 34 the lead had to gain over never beyond its interval and this one did not
                .contains("Lowest on calibration: 0.05 (0.33 points); the gain of never (the ensemble of models) (more networks) over the lead at 0.05, "
                        + "paired by task, -1.67 [-5.00, +0.00] points: the interval reaches zero, so the lead, which saves networks, is taken.")
                .contains("Chosen on calibration: 0.05. The rules: never: they differ");
        assertThat(SuiteModelChoice.similarityLead(pairs, 8, 0.05)).contains("The rules: 0.05 (the same)");
        // a gain on every calibration task: taken just the same
        List<SuiteModelChoice.Pair> clear = List.of(pairs.get(0), lead("c4", true, 0.80, 0.70, 0.76, 0.80, 0.60, 0.75, 0.90, 0.80, 1));
        assertThat(SuiteModelChoice.similarityLead(clear, 8, 0.02))
                .contains("Lowest on calibration: 0.02 (0.00 points); the gain of never (the ensemble of models) (more networks) over the lead at 0.02, "
                        + "paired by task, -5.00 [-5.00, -5.00] points: the interval reaches zero, so the lead, which saves networks, is taken.")
                .contains("Chosen on calibration: 0.02. The rules: 0.02 (the same).");
        // where no threshold beats never on calibration, never stays and no line is printed
        List<SuiteModelChoice.Pair> worse = List.of(lead("c5", true, 0.70, 0.72, 0.70, 0.70, 0.62, 0.71, 0.85, 0.88, 1));
        assertThat(SuiteModelChoice.similarityLead(worse, 8, Double.NaN)).doesNotContain("Lowest on calibration")
                .contains("Chosen on calibration: never. The rules: never (the same).");
        assertThat(SuiteModelChoice.similarityLead(pairs.subList(3, 4), 8, Double.NaN)).contains("No calibration run has its advised plans and ensembles trained yet.");
    }

    @Test
    void aModelPastTheProbeGapNeitherLeadsNorBlocksTheLeadAsTheRuleReadsIt() {
        Map<String, Double> sim = new LinkedHashMap<>(ab(0.80, 0.70));
        sim.put("c", 0.95);
        Map<String, Double> probe = new LinkedHashMap<>(ab(0.90, 0.88));
        probe.put("c", 0.70);
        // a and b are 2 points apart, within the gap; c reads the domain as closest but its probe is 20 points behind
        SuiteModelChoice.Pair p = new SuiteModelChoice.Pair(task("m3"), 1, true, ab(0.9, 0.8), 0.85, "a", 2, true, SuiteModelChoice.ENSEMBLE, 0.01,
                Map.of(), ab(0.9, 0.8), 0.85, 0.85, sim, probe);
        assertThat(SuiteModelChoice.leadChoice(p, 8, 0.05)).isEqualTo("a");
        // b closer to a's similarity than the lead: the ensemble stays, whatever c reads
        sim.put("b", 0.78);
        assertThat(SuiteModelChoice.leadChoice(p, 8, 0.05)).isEqualTo(SuiteModelChoice.ENSEMBLE);
        // with a gap wide enough to take c in, c leads
        assertThat(SuiteModelChoice.leadChoice(p, 25, 0.05)).isEqualTo("c");
    }

    @Test
    void perTaskTheWholePlanSplitsIntoTheModelChoiceAndThePlan() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                // ensembled: the best trial .80; the ensemble of best trials .76 (model choice 4); the whole plans' ensemble .75 (5): the plan 1
                lead("e1", false, 0.80, 0.70, 0.76, 0.80, 0.60, 0.75, 0.90, 0.80, 1),
                // a alone (probe gap 20): its oracle is the best (choice 0), its plan .78: 2 points, all of it the plan's
                lead("s1", true, 0.80, 0.70, 0.76, 0.78, 0.60, 0.75, 0.90, 0.80, 20));
        assertThat(SuiteModelChoice.wholePlanPerTask(pairs)).contains("| e1 | held-out | ENSEMBLE | 5.0 | 4.0 | 1.0 |")
                .contains("| s1 | calibration | a | 2.0 | 0.0 | 2.0 |");
    }

    @Test
    void theLeadUnderWhichTheConfidenceBreaksACloseCallIsSweptAgainstTheRulesChoice() {
        // b's similarity leads by 0.065 (past the rules' 0.05, under 0.07), a's classifier is the more confident and a's plan wins by 5
        java.util.function.BiFunction<String, Boolean, SuiteModelChoice.Pair> run = (id, cal) -> new SuiteModelChoice.Pair(task(id), 1, cal,
                ab(0.90, 0.80), Double.NaN, "b", 50, false, "b", 0.01, Map.of(), ab(0.85, 0.80), Double.NaN, Double.NaN,
                ab(0.700, 0.765), ab(0.20, 0.70), ab(0.1, 0.6), ab(-2, -1), Map.of(), Double.NaN, 1.0, ab(0.9, 0.6));
        String md = SuiteModelChoice.singleChoiceSweep(List.of(run.apply("c1", true), run.apply("c2", true), run.apply("c3", true),
                run.apply("h1", false)));
        // the rules (0.05) and 0.06 keep b: 10 points; 0.07, 0.08 and 0.1 take a: 5 points, the first of them chosen (a tie keeps it)
        assertThat(md).contains("| " + SuiteModelChoice.CLOSE_CALL_CONFIDENCE + " | 10.00 (10.0) |")
                .contains("| " + SuiteModelChoice.confidenceUnder(0.06) + " | 10.00 (10.0) |")
                .contains("| " + SuiteModelChoice.confidenceUnder(0.07) + " | 5.00 (5.0) |")
                .contains("| " + SuiteModelChoice.confidenceUnder(0.1) + " | 5.00 (5.0) |")
                .contains("since stop 39 the incumbent is the rules' choice, " + SuiteModelChoice.CLOSE_CALL_CONFIDENCE)
                .contains("Lowest on calibration: " + SuiteModelChoice.confidenceUnder(0.07) + " (5.00 points); its gain over "
                        + SuiteModelChoice.CLOSE_CALL_CONFIDENCE + ", paired by task, +5.00 [+5.00, +5.00] points: above zero, taken.")
                .contains("Chosen on calibration: " + SuiteModelChoice.confidenceUnder(0.07) + ". The rules: "
                        + SuiteModelChoice.CLOSE_CALL_CONFIDENCE + ": they differ");
        // the incumbent is scored first, so it names the rules' row even where other candidates choose alike
        assertThat(md.indexOf("| " + SuiteModelChoice.CLOSE_CALL_CONFIDENCE + " |")).isLessThan(md.indexOf("| the highest overall similarity |"));
    }

    /** A run of models a and b at {@code seed} with two trials each (k1, k2), the rules picking {@code pick}. */
    static SuiteModelChoice.Pair seeded(String id, long seed, String pick, double a1, double a2, double b1, double b2) {
        Map<String, Map<String, Double>> trials = new LinkedHashMap<>();
        trials.put("a", new LinkedHashMap<>(Map.of("k1", a1, "k2", a2)));
        trials.put("b", new LinkedHashMap<>(Map.of("k1", b1, "k2", b2)));
        return new SuiteModelChoice.Pair(task(id), seed, false, ab(Math.max(a1, a2), Math.max(b1, b2)), Double.NaN, "a", 1, false, pick, 0.01,
                trials, ab(a1, b1), Double.NaN, Double.NaN, ab(0.8, 0.7), ab(0.7, 0.6));
    }

    @Test
    void modelChoiceAgainstEachModelsOraclePerTaskHasNoBestTrialLuckAtEachSeed() {
        // a: k1 .90/.80 (mean .85), k2 .85/.86 (.855, a's per-task oracle); b: k1 .87/.89 (.88, b's), k2 .70/.70
        List<SuiteModelChoice.Pair> aThenB = List.of(seeded("t", 1, "a", 0.90, 0.85, 0.87, 0.70), seeded("t", 2, "b", 0.80, 0.86, 0.89, 0.70));
        // per run the rules lose nothing (a's .90 is seed 1's best, b's .89 seed 2's); per task: .88 - (.85 + .89) / 2 = 1.0 point
        assertThat(aThenB.stream().mapToDouble(p -> p.regret(p.pick())).max().orElseThrow()).isZero();
        assertThat(SuiteModelChoice.taskChoiceRegret(aThenB, SuiteModelChoice.Pair::pick)).isCloseTo(1.0, within(1e-9));
        // always a: .88 - .855 = 2.5 points; always b: none
        assertThat(SuiteModelChoice.taskChoiceRegret(aThenB, p -> "a")).isCloseTo(2.5, within(1e-9));
        assertThat(SuiteModelChoice.taskChoiceRegret(aThenB, p -> "b")).isZero();
        // a trial missing at one seed is not an oracle candidate; no choice, or an ensemble, is not scored
        SuiteModelChoice.Pair lacking = seeded("t", 2, "b", 0.80, 0.86, 0.89, 0.70);
        lacking.trials().get("a").remove("k2");
        assertThat(SuiteModelChoice.taskChoiceRegret(List.of(aThenB.get(0), lacking), p -> "a")).isCloseTo(3.0, within(1e-9));
        assertThat(SuiteModelChoice.taskChoiceRegret(aThenB, p -> SuiteModelChoice.ENSEMBLE)).isNaN();
        // the report states it per split beside the per-run column
        assertThat(SuiteModelChoice.markdown(aThenB, List.of("a", "b"), Double.NaN))
                .contains("the rules' choice: held-out 1.00 points, 1 of 1 tasks within 1 pt (per run, above: the table's column).");
        // without every model's trials at every seed there is no per-task reading to give, and none is said
        SuiteModelChoice.Pair none = seeded("u", 1, "a", 0.90, 0.85, 0.87, 0.70);
        none.trials().get("a").clear();
        assertThat(SuiteModelChoice.markdown(List.of(none), List.of("a", "b"), Double.NaN)).contains("| held-out | 1 | 1 |")
                .doesNotContain("Against each model's oracle per task");
    }
}

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
        // kinds: 0 pair, 1-4 three members, 5 and 6 four members, 7 five; the oracle is the best kind on each task
        var a = record(dir, new double[] {0.70, 0.80, 0.75, 0.74, 0.78, 0.90, 0.85, 0.60}, new double[] {0.70, 0.82, 0.75, 0.74, 0.78, 0.88, 0.80, 0.60});
        List<SuitePlanEnsembles.Step> steps = tinySteps(a);
        assertThat(steps).hasSize(3);
        // three members over two: the best three-member kind (1) replaces the pair
        step(steps.get(0), 0, 1, true);
        assertThat(steps.get(0).gain()).isCloseTo(11.0, within(1e-9));
        // four over three: +10 and +6 points, an interval above zero
        step(steps.get(1), 1, 5, true);
        assertThat(steps.get(1).gain()).isCloseTo(8.0, within(1e-9));
        assertThat(steps.get(1).low()).isGreaterThan(0);
        // five over the four chosen: it loses on both tasks
        step(steps.get(2), 5, 7, false);
        assertThat(SuitePlanEnsembles.chosen(steps)).isEqualTo(5);
        assertThat(SuitePlanEnsembles.markdown(a, CUT_MAP, TINY, 0.9, Map.of("TINY", 5)))
                .contains("| calibration | TINY | 4 |", "Chosen on calibration for TINY data: " + KINDS.get(5).label().replace("ENSEMBLE of ", "")
                        + ". The rules: " + KINDS.get(5).label().replace("ENSEMBLE of ", "") + " (the same).");
    }

    @Test
    void aFourthMemberWhoseGainIsInsideItsIntervalIsNotTaken(@TempDir Path dir) {
        // the fourth member is lower in mean regret (wins 10 points on one task, loses 6 on the other) but its interval spans zero
        var a = record(dir, new double[] {0.70, 0.80, 0.75, 0.74, 0.78, 0.90, 0.60, 0.60}, new double[] {0.70, 0.82, 0.75, 0.74, 0.78, 0.76, 0.60, 0.60});
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
        var a = record(dir, new double[] {0.70, 0.80, 0.75, 0.74, 0.78, 0.90, 0.60, 0.87}, new double[] {0.70, 0.82, 0.75, 0.74, 0.78, 0.76, 0.60, 0.87});
        List<SuitePlanEnsembles.Step> steps = tinySteps(a);
        assertThat(steps).hasSize(3);
        step(steps.get(1), 1, 5, false);
        step(steps.get(2), 1, 7, true);
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
}

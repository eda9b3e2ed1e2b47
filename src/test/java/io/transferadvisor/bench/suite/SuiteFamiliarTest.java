package io.transferadvisor.bench.suite;

import static io.transferadvisor.bench.suite.SuiteAnalysisTest.CUTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The similarity.familiar sweep: a single plan above the threshold on TINY and SMALL data, the ensemble of the model's plans below it. */
class SuiteFamiliarTest {
    /** ensemble-plans' three members in every size group (TrialKey#planEnsembles index 1). */
    static final Map<String, Integer> THREE_MEMBERS = Map.of("TINY", 1, "SMALL and MEDIUM", 1);

    static void extra(SuiteResults r, SuiteSpec s, String task, long seed, TrialKey k, double acc) {
        String h = SuiteTasks.identity(s, s.task(task));
        r.append(new SuiteResults.Trial(task, seed, h, k.id(), acc, (int) Math.round(acc * 100), 100, 5, 10.0));
    }

    @Test
    void theSweepScoresEachThresholdAgainstTheOracleAndCalibrationPicksTheLowestTyingToTheLowerThreshold(@TempDir Path dir) {
        SuiteSpec s = SuiteAnalysisTest.suite();
        SuiteResults r = SuiteResults.open(dir.resolve("r.jsonl"));
        TrialKey one = TrialKey.familiarPair(CUTS);
        TrialKey ens = TrialKey.planEnsembles(CUTS).get(THREE_MEMBERS.get("TINY"));
        assertThat(one.members()).extracting(TrialKey::label).containsExactly("FINETUNE_ABOVE b4_relu", "LINEAR_FROZEN fc1_relu");
        // cal-small reads 0.95: the single plan wins by 20 points; cal-large reads 0.80: the ensemble wins by 20
        for (long seed : new long[] {1, 2}) {
            SuiteAnalysisTest.record(r, s, "cal-small", seed, 0.60, 0.60, 0.60, 0.95);
            extra(r, s, "cal-small", seed, one, 0.90);
            extra(r, s, "cal-small", seed, ens, 0.70);
            SuiteAnalysisTest.record(r, s, "cal-large", seed, 0.60, 0.60, 0.60, 0.80);
            extra(r, s, "cal-large", seed, one, 0.70);
            extra(r, s, "cal-large", seed, ens, 0.90);
        }
        Map<String, SuiteAnalysis> a = Map.of("m", new SuiteAnalysis(s, r, CUTS, s.tasks()));
        Map<String, java.util.List<String>> cuts = Map.of("m", CUTS);
        Function<SuiteAnalysis.Run, String> tiny = run -> "TINY";
        assertThat(SuiteFamiliar.score(a, cuts, tiny, SuiteSpec.CALIBRATION, 2, false, THREE_MEMBERS).mean()).isCloseTo(10.0, within(1e-9));
        assertThat(SuiteFamiliar.score(a, cuts, tiny, SuiteSpec.CALIBRATION, 0.9, false, THREE_MEMBERS).mean()).isCloseTo(0.0, within(1e-9));
        SuiteFamiliar.Row always = SuiteFamiliar.score(a, cuts, tiny, SuiteSpec.CALIBRATION, 0, false, THREE_MEMBERS);
        assertThat(always.mean()).isCloseTo(10.0, within(1e-9));
        assertThat(always.worst()).isCloseTo(20.0, within(1e-9));
        assertThat(always.worstTask()).isEqualTo("m cal-large");
        assertThat(always.single()).isEqualTo(4);
        // every threshold from 0.85 to 0.95 scores 0: the tie goes to the lowest, which trains the fewest networks
        assertThat(SuiteFamiliar.chosen(a, cuts, tiny, THREE_MEMBERS)).isEqualTo(0.85);
        // MEDIUM data keeps the ensemble unless the MEDIUM row asks for the single plan
        Function<SuiteAnalysis.Run, String> medium = run -> "MEDIUM";
        assertThat(SuiteFamiliar.score(a, cuts, medium, SuiteSpec.CALIBRATION, 0.9, false, THREE_MEMBERS).single()).isZero();
        assertThat(SuiteFamiliar.score(a, cuts, medium, SuiteSpec.CALIBRATION, 0.9, true, THREE_MEMBERS).single()).isEqualTo(2);
        String md = SuiteFamiliar.markdown(a, cuts, tiny, 0.9, THREE_MEMBERS);
        assertThat(md).contains("| 0.9 | 0.00 (0.0) | 0.00 | 2 of 4 |", "| never (2) | 10.00 (20.0) | 10.00 | 0 of 4 |",
                "Chosen on calibration: 0.85. The rules: 0.9 (differs).",
                // never taking the single plan gains -20 on cal-small and 0 on cal-large (both sides train the ensemble there)
                "Lowest on calibration: 0.85 (0.00 points). The familiar plan trains fewer networks, so never taking it (the ensemble of plans) would "
                        + "have to gain over it, paired by model and task, beyond its 95% interval: -10.00 [-20.00, +0.00] points, so the familiar plan is taken.");
    }
}

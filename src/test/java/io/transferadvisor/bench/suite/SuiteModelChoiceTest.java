package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model-choice section's arithmetic, on runs made up so each number can be worked out by hand. */
class SuiteModelChoiceTest {
    static SuiteSpec.Task task(String id) {
        return new SuiteSpec.Task(id, "f", "glyphs", List.of("A", "B"), "B", null, 4, 25, 0);
    }

    static SuiteModelChoice.Pair pair(String id, long seed, double a, double b, double ensemble, String top, boolean overlap, String pick) {
        Map<String, Double> oracle = new LinkedHashMap<>();
        oracle.put("a", a);
        oracle.put("b", b);
        return new SuiteModelChoice.Pair(task(id), seed, false, oracle, ensemble, top, overlap, pick, 0.01);
    }

    @Test
    void regretsAreTheBetterModelsOracleMinusTheChoiceAndUntrainedEnsemblesAreNotScored() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                pair("t1", 1, 0.90, 0.80, 0.88, "a", false, "a"),  // right pick: 0; always b loses 10; the ensemble 2; gain over top a: -2
                pair("t1", 2, 0.90, 0.86, 0.92, "b", true, "b"),   // wrong pick: 4; the ensemble beats both: 0; gain over top b: +6
                pair("t2", 1, 0.70, 0.76, 0.80, "b", true, SuiteModelChoice.ENSEMBLE), // ensemble chosen and trained: 0; gain +4
                pair("t3", 1, 0.50, 0.60, Double.NaN, "a", true, SuiteModelChoice.ENSEMBLE)); // ensemble not trained: unscored
        String md = SuiteModelChoice.markdown(pairs, List.of("a", "b"));
        // always a: t1 0, t2 6, t3 10 -> 5.33; always b: t1 (10 + 4) / 2 = 7, t2 0, t3 0 -> 2.33;
        // always the ensemble: t1 (2 + 0) / 2 = 1, t2 0 (t3 unscored) -> 0.50; the probe's top: t1 (0 + 4) / 2 = 2, t2 0, t3 10 -> 4.00;
        // the rules: t1 2, t2 0 (t3 unscored) -> 1.00; within 1 point: t2 only
        assertThat(md).contains("| held-out | 3 | 4 | 5.33 | 2.33 | 0.50 | 4.00 | **1.00** | 1 of 3 | 2 | 1 |");
        // the gain table: overlap runs t1 s2 (+6) and t2 (+4), both tasks ahead; apart: t1 s1 (-2)
        assertThat(md).contains("| held-out | overlap | 2 | 2 | +5.00 | [+4.00, +6.00] | 2 |").contains("| held-out | apart | 1 | 1 | -2.00 | [-2.00, -2.00] | 0 |");
        assertThat(md).contains("| t1 | held-out | 0.9000 | 0.8300 | 0.9000 | a, b | 2.0 |")
                .contains("| t2 | held-out | 0.7000 | 0.7600 | 0.8000 | ENSEMBLE | 0.0 |")
                .contains("| t3 | held-out | 0.5000 | 0.6000 | n/a | ENSEMBLE | n/a |");
    }

    @Test
    void noCompleteRunSaysWhatToRun() {
        assertThat(SuiteModelChoice.markdown(List.of(), List.of("a", "b"))).contains("No run has every model's oracle recorded yet");
    }
}

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

    static SuiteModelChoice.Pair pair(String id, long seed, double a, double b, String pick) {
        Map<String, Double> oracle = new LinkedHashMap<>();
        oracle.put("a", a);
        oracle.put("b", b);
        return new SuiteModelChoice.Pair(task(id), seed, false, oracle, pick, 0.01);
    }

    @Test
    void regretsAreTheBetterModelsOracleMinusTheChosenOnesAndEnsemblesAreCountedNotScored() {
        List<SuiteModelChoice.Pair> pairs = List.of(
                pair("t1", 1, 0.90, 0.80, "a"),   // right pick: 0 points; always b loses 10
                pair("t1", 2, 0.90, 0.86, "b"),   // wrong pick: 4 points; t1's mean for the rules = 2
                pair("t2", 1, 0.70, 0.76, SuiteModelChoice.ENSEMBLE)); // always a loses 6; not scored for the rules
        String md = SuiteModelChoice.markdown(pairs, List.of("a", "b"));
        // always a: t1 0, t2 6 -> 3.00; always b: t1 (10 + 4) / 2 = 7, t2 0 -> 3.50; the rules: t1 only, 2.00 on 2 runs
        assertThat(md).contains("| held-out | 2 | 3 | 3.00 | 3.50 | **2.00** on 2 runs | 0 of 2 | 1 |");
        assertThat(md).contains("| t1 | held-out | 0.9000 | 0.8300 | a, b | 2.0 |").contains("| t2 | held-out | 0.7000 | 0.7600 | ENSEMBLE | n/a |");
    }

    @Test
    void noCompleteRunSaysWhatToRun() {
        assertThat(SuiteModelChoice.markdown(List.of(), List.of("a", "b"))).contains("No run has every model's oracle recorded yet");
    }
}

package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decideSinglePlan;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.facts.Rejected;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** alternatives.drl: every strategy not taken is rejected, by the most specific rule. */
class AlternativesRulesTest {

    static Map<Strategy, String> rejectedBy(Recommender.Decision d) {
        Map<Object, String> by = AuditBuilder.insertedBy(d.runs().get(0).evaluation().firings());
        Map<Strategy, String> out = new LinkedHashMap<>();
        for (Rejected r : d.runs().get(0).evaluation().all(Rejected.class)) {
            out.merge(r.strategy(), by.get(r), (a, b) -> a + "," + b);
        }
        return out;
    }

    @Test
    void smallSimilarData() {
        // shared labels (overlap 0.9): the matrix cell fine-tunes since the suite's calibration; linear loses with a measured reason
        var d = decideSinglePlan(profile().perClass(100).similarity(0.9).overlap(0.9).build());
        Map<Strategy, String> by = rejectedBy(d);
        assertThat(d.plan().strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(by.keySet()).isEqualTo(EnumSet.complementOf(EnumSet.of(Strategy.FINETUNE_ABOVE)));
        assertThat(by.get(Strategy.FROM_SCRATCH)).isEqualTo("reject-from-scratch-not-large");
        assertThat(by.get(Strategy.FINETUNE_ALL)).isEqualTo("reject-finetune-all-small");
        assertThat(by.get(Strategy.AUTOENCODER_TRANSFER)).isEqualTo("reject-autoencoder-no-unlabelled");
        assertThat(by.get(Strategy.ENSEMBLE)).isEqualTo("reject-ensemble-single-model");
        assertThat(by.get(Strategy.LINEAR_FROZEN)).isEqualTo("reject-linear-small-data-fine-tuned");
        assertThat(by.get(Strategy.LINEAR_EARLIER)).isEqualTo("reject-linear-small-data-fine-tuned");
    }

    @Test
    void largeSimilarData() {
        var d = decideSinglePlan(profile().perClass(3000).similarity(0.9).build());
        Map<Strategy, String> by = rejectedBy(d);
        assertThat(d.plan().strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(by.get(Strategy.FROM_SCRATCH)).isEqualTo("reject-from-scratch-similar");
        assertThat(by.get(Strategy.LINEAR_FROZEN)).isEqualTo("reject-linear-enough-data");
        assertThat(by.get(Strategy.LINEAR_EARLIER)).isEqualTo("reject-linear-enough-data");
        assertThat(by.get(Strategy.FINETUNE_ALL)).isEqualTo("reject-by-matrix");
    }

    @Test
    void tinyDataOnAnUnmeasuredDomainTakesTheBestFixedPolicyAndSaysWhyNotTheOthers() {
        // TINY x LOW: no calibration task there, so the best fixed policy on calibration (fine-tune above the first cut)
        var d = decideSinglePlan(profile().perClass(10).similarity(0.2).build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(RuleTesting.primary(d).cutoffLayer()).isEqualTo("b1_pool");
        assertThat(rejectedBy(d).get(Strategy.LINEAR_EARLIER)).isEqualTo("reject-linear-small-data-fine-tuned");
        assertThat(rejectedBy(d).get(Strategy.TRUNCATE_GROW)).isEqualTo("reject-truncate-grow-small-data");
        var reasons = d.runs().get(0).evaluation().all(Rejected.class);
        assertThat(reasons).filteredOn(r -> r.strategy() == Strategy.FROM_SCRATCH)
                .singleElement().satisfies(r -> assertThat(r.reason()).contains("10 images per class").contains("TINY"));
    }

    @Test
    void smallSimilarDataWithNewLabelsSaysWhyTheLinearHeadLost() {
        var d = decideSinglePlan(profile().perClass(100).similarity(0.9).overlap(0.1).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        Map<Strategy, String> by = rejectedBy(d);
        assertThat(by.keySet()).isEqualTo(EnumSet.complementOf(EnumSet.of(Strategy.FINETUNE_ABOVE)));
        assertThat(by.get(Strategy.LINEAR_FROZEN)).isEqualTo("reject-linear-new-labels");
        assertThat(by.get(Strategy.LINEAR_EARLIER)).isEqualTo("reject-linear-new-labels");
        assertThat(by.get(Strategy.FINETUNE_ALL)).isEqualTo("reject-finetune-all-new-labels");
        assertThat(by.get(Strategy.TRUNCATE_GROW)).isEqualTo("reject-truncate-grow-small-data");
        var reasons = d.runs().get(0).evaluation().all(Rejected.class);
        assertThat(reasons).filteredOn(r -> r.strategy() == Strategy.LINEAR_FROZEN)
                .anySatisfy(r -> assertThat(r.reason()).startsWith("label overlap 0.10 < 0.5 (new labels)").contains("100 images per class"));
        assertThat(reasons).filteredOn(r -> r.strategy() == Strategy.FINETUNE_ALL)
                .singleElement().satisfies(r -> assertThat(r.reason()).contains("the layers up to " + d.plan().cutoffLayer()));
    }

    @Test
    void smallShiftedDataSaysWhyFrozenFeaturesLost() {
        var d = decideSinglePlan(profile().perClass(36).similarity(0.6).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.FINETUNE_ALL);
        Map<Strategy, String> by = rejectedBy(d);
        assertThat(by.keySet()).isEqualTo(EnumSet.complementOf(EnumSet.of(Strategy.FINETUNE_ALL)));
        assertThat(by.get(Strategy.LINEAR_FROZEN)).isEqualTo("reject-linear-small-shifted");
        assertThat(by.get(Strategy.LINEAR_EARLIER)).isEqualTo("reject-linear-small-shifted");
        assertThat(by.get(Strategy.FINETUNE_ABOVE)).isEqualTo("reject-by-matrix");
        var reasons = d.runs().get(0).evaluation().all(Rejected.class);
        assertThat(reasons).filteredOn(r -> r.strategy() == Strategy.LINEAR_EARLIER)
                .singleElement().satisfies(r -> assertThat(r.reason()).startsWith("similarity 0.60 (MEDIUM)").contains("36 images per class"));
    }
}

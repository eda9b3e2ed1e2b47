package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decideSinglePlan;
import static io.transferadvisor.rules.RuleTesting.fired;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.facts.Note;
import io.transferadvisor.rules.facts.Rejected;
import org.junit.jupiter.api.Test;

/** guards.drl: the autoencoder override, collect-more advice, and the notes. */
class GuardsRulesTest {

    @Test
    void dissimilarWithUnlabelledImagesSelfPretrainsAnAutoencoderAndRejectsTheMatrixCell() {
        var d = decideSinglePlan(profile().perClass(100).similarity(0.2).unlabelled(5000).build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(Strategy.AUTOENCODER_TRANSFER);
        assertThat(RuleTesting.primary(d).cutoffLayer()).isNull();
        assertThat(fired(d)).contains("guard-autoencoder", "matrix-small-low", "reject-outranked");
        assertThat(d.runs().get(0).evaluation().all(Rejected.class))
                .anySatisfy(r -> {
                    assertThat(r.strategy()).isEqualTo(Strategy.FINETUNE_ABOVE); // the cell's choice since the suite's calibration
                    assertThat(r.reason()).contains("outranked by AUTOENCODER_TRANSFER");
                });
        assertThat(RuleTesting.primary(d).hyperparameters().backboneLearningRate()).isEqualTo(3e-4);
    }

    @Test
    void unlabelledImagesOnASimilarDomainChangeNothing() {
        var d = decideSinglePlan(profile().perClass(100).similarity(0.9).unlabelled(5000).build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(Strategy.FINETUNE_ABOVE); // matrix-small-high, as without the pool
        assertThat(fired(d)).contains("unlabelled-pool", "reject-autoencoder-not-needed").doesNotContain("guard-autoencoder");
    }

    @Test
    void largeDissimilarDataTrainsFromScratchEvenWithUnlabelledImages() {
        var d = decideSinglePlan(profile().perClass(3000).similarity(0.2).unlabelled(100_000).build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(Strategy.FROM_SCRATCH);
    }

    @Test
    void collectMoreNamesTheNumbersAndKeepsTheBestPlanForTheDataAtHand() {
        var without = decideSinglePlan(profile().perClass(100).similarity(0.9).gain2x(0.01).build());
        var with = decideSinglePlan(profile().perClass(100).similarity(0.9).gain2x(0.06).build());
        assertThat(RuleTesting.primary(without).collectMore()).isNull();
        assertThat(RuleTesting.primary(with).collectMore()).isNotNull();
        assertThat(RuleTesting.primary(with).collectMore().extraPerClass()).isEqualTo(100);
        assertThat(RuleTesting.primary(with).collectMore().expectedGainPoints()).isEqualTo(6.0);
        assertThat(RuleTesting.primary(with).collectMore().gainHigh()).isGreaterThan(RuleTesting.primary(with).collectMore().gainLow());
        assertThat(RuleTesting.primary(with).strategy()).isEqualTo(RuleTesting.primary(without).strategy());
        assertThat(RuleTesting.primary(with).cutoffLayer()).isEqualTo(RuleTesting.primary(without).cutoffLayer());
        assertThat(fired(with)).contains("guard-collect-more");
    }

    @Test
    void labelOverlapGeometryAndTinyDataLeaveNotesNotPlanChanges() {
        var plain = decideSinglePlan(profile().perClass(10).build());
        var flagged = decideSinglePlan(profile().perClass(10).overlap(0.9).geometryMismatch().build());
        assertThat(flagged.runs().get(0).evaluation().all(Note.class)).extracting(Note::topic)
                .containsExactlyInAnyOrder("label-overlap", "geometry", "tiny-data");
        assertThat(flagged.runs().get(0).evaluation().all(Note.class)).filteredOn(n -> n.topic().equals("geometry"))
                .allSatisfy(n -> assertThat(n.text()).contains("32x32x3").contains("28x28x1"));
        assertThat(PlanDiff.diff(plain.plan(), flagged.plan())).isEmpty();
        assertThat(fired(flagged)).contains("guard-label-overlap", "guard-geometry", "guard-tiny-data");
    }

    @Test
    void moreImagesMoveAlongTheFittedLearningCurve() {
        var p = GoldenAuditTest.realProfile();
        var big = ProfileEdits.withImages(p, p.size().images() * 20);
        double gainNow = p.sufficiency().at2x().value() - p.sufficiency().current().value();
        double gainBig = big.sufficiency().at2x().value() - big.sufficiency().current().value();
        assertThat(gainBig).isLessThan(gainNow / 3);
        assertThat(big.sufficiency().current().value()).isGreaterThan(p.sufficiency().current().value());
        assertThat(decideSinglePlan(p).plan().collectMore()).isNotNull();
        assertThat(decideSinglePlan(big).plan().collectMore()).isNull();
    }

    /**
     * The small x similar x new-labels guard is gone: the suite's calibration moved the whole cell (and
     * TINY x HIGH) to fine-tuning, whatever the label overlap; the new-labels fact still picks the cut.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}/class sim {1} overlap {2} -> {3}")
    @org.junit.jupiter.params.provider.CsvSource({
        "100, 0.9, 0.31, FINETUNE_ABOVE",   // examples/default.yaml's cell: small, similar, new labels
        "100, 0.9, 0.49, FINETUNE_ABOVE",
        "20,  0.9, 0.1,  FINETUNE_ABOVE",   // the smallest SMALL size
        "100, 0.9, 0.5,  FINETUNE_ABOVE",   // not new labels: the matrix cell itself fine-tunes now
        "100, 0.9, 0.9,  FINETUNE_ABOVE",   // shared labels
        "19,  0.9, 0.1,  FINETUNE_ABOVE",   // TINY x HIGH fine-tunes above the first cut
        "100, 0.6, 0.1,  FINETUNE_ALL",     // shifted domain: matrix-small-medium fine-tunes all
    })
    void smallSimilarDataFineTunesWhateverTheLabels(int perClass, double sim, double overlap, Strategy strategy) {
        var d = decideSinglePlan(profile().perClass(perClass).similarity(sim).overlap(overlap).build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(strategy);
        assertThat(fired(d)).doesNotContain("guard-small-similar-new-labels", "reject-outranked");
        assertThat(fired(d).contains("new-labels")).isEqualTo(overlap < 0.5);
    }
}

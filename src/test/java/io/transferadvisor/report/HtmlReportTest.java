package io.transferadvisor.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.execute.Tiny;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** report.html is one self-contained page with every element issue 12 asks for; BrowserReportTest renders it. */
class HtmlReportTest {
    @Test
    void rendersEverySectionSelfContained() throws Exception {
        String html = ReportFixture.render();
        assertThat(html).contains("id=\"headline\"", "on <b>", " test images</b>", "(95% interval ", "validation images",
                // the explanation in the user's numbers, not the rationales' calibration numbers
                "SMALL data: 36 training images per class", "max epochs 60 (schedule-small) -&gt; 30", "Not chosen",
                "What would change the decision", "docs/benchmarks/plans.md",
                // probe per layer by name with the cut, shift, learning curve
                "Per-layer probe: fmnist-cnn", "Domain shift per layer", "b2_pool <b>(cut)</b>", "id=\"learning-curve\"",
                "+36 labels per class &rarr; +3.1 points",
                // training curves of the data loss, confusion heat map, misclassified images with sizes
                "data loss (no L2 term)", "id=\"confusion\"", "style=\"background:rgb(", "id=\"misclassified\"", "true <b>", "predicted <b>",
                "% sure", "id=\"provenance\"", "model-sha");
        assertThat(html.split("class=\"plot\"", -1).length - 1).isEqualTo(5); // probe, shift, learning curve, loss, accuracy
        assertThat(html.split("class=\"thumb\"", -1).length - 1).isGreaterThan(10); // samples + misclassified
        assertThat(html).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
        // calibration numbers only inside the folded full audit, never in the text a person reads
        assertThat(html.substring(0, html.indexOf("<details>"))).doesNotContain("0.922 vs").doesNotContain("examples/default.yaml:");
    }

    @Test
    void aGenericAuditStillRenders() throws Exception {
        var audit = io.transferadvisor.util.Json.json().readTree("""
                {"reasons":["matrix-small-medium: small data, shifted domain"],
                 "rejected":[{"strategy":"LINEAR_FROZEN","rule":"reject-by-matrix","reason":"the matrix chooses LINEAR_EARLIER"}],
                 "counterfactuals":[{"text":"with 2,000 images this becomes FINETUNE_ABOVE"}]}
                """);
        var plan = Tiny.plan(Strategy.LINEAR_EARLIER, "p1", HeadType.SOFTMAX, 0, Tiny.hp(3, BatchNormPolicy.FROZEN));
        ClassificationMetrics m = ClassificationMetrics.ofPredictions(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 1}, Tiny.CLASSES);
        RunMetrics rm = new RunMetrics("tiny", List.of("tiny"), "LINEAR_EARLIER", Tiny.CLASSES, m, m, 2, 2, "max epochs",
                Map.of("train", 1.5), 100, null, Map.of(), List.of(), List.of());
        String html = HtmlReport.render("tiny", plan, rm, null, audit, Tiny.data(0.8f, false), null);
        assertThat(html).contains("matrix-small-medium", "the matrix chooses LINEAR_EARLIER", "with 2,000 images this becomes FINETUNE_ABOVE",
                "No profile.json beside the plan");
        assertThat(rm.schemaVersion()).isEqualTo(RunMetrics.SCHEMA_VERSION);
    }

    @Test
    void anEnsembleSaysWhereItsMembersTrainingIsInsteadOfZeroEpochs() throws Exception {
        var audit = io.transferadvisor.util.Json.json().readTree("{\"reasons\":[\"ensemble-plans: averaged\"]}");
        var hp = Tiny.hp(3, BatchNormPolicy.FROZEN);
        var members = List.of(Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, hp), Tiny.plan(Strategy.FROM_SCRATCH, null, HeadType.SOFTMAX, 0, hp));
        var plan = new io.transferadvisor.plan.Plan(1, "tiny.yaml", List.of("tiny"), Strategy.ENSEMBLE, null, HeadType.SOFTMAX, 0, hp, null, members, 5, 10, List.of());
        ClassificationMetrics m = ClassificationMetrics.ofPredictions(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 1}, Tiny.CLASSES);
        RunMetrics rm = new RunMetrics("tiny", List.of("tiny"), "ENSEMBLE", Tiny.CLASSES, m, m, 0, 0, "members finished",
                Map.of("member-1", 1.5, "member-2", 1.0), 0, null, Map.of(), List.of(), List.of());
        String html = HtmlReport.render("tiny", plan, rm, null, audit, Tiny.data(0.8f, false), null);
        assertThat(html).contains("2 networks trained one after the other", "member-N/report.html", "member 1", "member 2")
                .doesNotContain("Epochs run 0").doesNotContain("Throughput 0 images/s");
    }
}

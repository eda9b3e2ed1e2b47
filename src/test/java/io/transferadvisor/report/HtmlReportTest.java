package io.transferadvisor.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.execute.Tiny;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** report.html is one self-contained page with the probe curves, the reasons, the curves and the confusion matrix. */
class HtmlReportTest {
    @Test
    void rendersEverySectionSelfContained() throws Exception {
        JsonNode profile = Json.json().readTree("""
                {"model":"tiny","similarity":0.7,"layers":[
                  {"layer":"p1","featureDim":4,"similarity":0.8,"probeAccuracy":{"value":0.61,"low":0.5,"high":0.7},"logme":{"value":-0.4}},
                  {"layer":"r2","featureDim":8,"similarity":0.6,"probeAccuracy":{"value":0.83,"low":0.75,"high":0.9},"logme":{"value":-0.2}}]}
                """);
        JsonNode audit = Json.json().readTree("""
                {"reasons":["matrix-small-medium: small data, shifted domain"],
                 "traces":[{"firings":[{"rule":"size-small","rationale":"20 to 200 images per class"}]}],
                 "rejected":[{"strategy":"LINEAR_FROZEN","rule":"reject-by-matrix","reason":"the matrix chooses LINEAR_EARLIER"}],
                 "counterfactuals":[{"text":"with 2,000 images this becomes FINETUNE_ABOVE"}]}
                """);
        var plan = Tiny.plan(Strategy.LINEAR_EARLIER, "p1", HeadType.SOFTMAX, 0, Tiny.hp(3, BatchNormPolicy.FROZEN));
        ClassificationMetrics m = ClassificationMetrics.ofPredictions(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 1}, Tiny.CLASSES);
        RunMetrics rm = new RunMetrics("tiny", List.of("tiny"), "LINEAR_EARLIER", Tiny.CLASSES, m, m, 2, 2, "max epochs",
                Map.of("train", 1.5), 100, null,
                Map.of("train", List.of(new RunMetrics.EpochRow(1, 1.0, 1.1, 0.5, 0.1, 10), new RunMetrics.EpochRow(2, 0.5, 0.7, 0.75, 0.1, 10))),
                List.of("a note"), List.of());
        String html = HtmlReport.render("tiny", plan, rm, profile, audit, Tiny.data(0.8f, false));
        assertThat(html).contains("Similarity probe").contains("r2").contains("83.00%")
                .contains("matrix-small-medium").contains("size-small").contains("20 to 200 images per class")
                .contains("the matrix chooses LINEAR_EARLIER").contains("with 2,000 images this becomes FINETUNE_ABOVE")
                .contains("Confusion matrix").contains("<td class=\"diag\">1</td>").contains("a note");
        assertThat(html.split("data:image/png;base64,", -1).length - 1).isEqualTo(3); // probe + loss + accuracy
        assertThat(html).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
    }
}

package io.transferadvisor.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.execute.Tiny;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A report rendered from the real fmnist-cnn profile and golden audit, on the tiny synthetic data set. */
final class ReportFixture {
    private ReportFixture() {}

    static String render() throws Exception {
        JsonNode profile = Json.json().readTree(Path.of("src/test/resources/rules/fmnist-default.profile.json").toFile());
        JsonNode audit = Json.json().readTree(Path.of("src/test/resources/rules/golden/fmnist-default.audit.json").toFile());
        Plan plan = Tiny.plan(Strategy.FINETUNE_ABOVE, "b2_pool", HeadType.SOFTMAX, 0, Tiny.hp(30, BatchNormPolicy.FROZEN));
        LoadedDataset data = Tiny.data(0.8f, false);
        int n = data.test().size();
        int[] truth = new int[n];
        float[][] scores = new float[n][Tiny.CLASSES.size()];
        for (int i = 0; i < n; i++) {
            truth[i] = data.test().label(i);
            int predicted = i % 4 == 0 ? (truth[i] + 1) % Tiny.CLASSES.size() : truth[i];
            scores[i][predicted] = 0.7f;
            scores[i][(predicted + 1) % Tiny.CLASSES.size()] = 0.2f;
            scores[i][(predicted + 2) % Tiny.CLASSES.size()] = 0.1f;
        }
        ClassificationMetrics test = ClassificationMetrics.of(truth, scores, Tiny.CLASSES);
        ClassificationMetrics val = ClassificationMetrics.ofPredictions(new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 1}, Tiny.CLASSES);
        RunMetrics rm = new RunMetrics("tiny", List.of("fmnist-cnn"), "FINETUNE_ABOVE", Tiny.CLASSES, val, test, 3, 2, "max epochs",
                Map.of("train", 1.5), 100, null,
                Map.of("train", List.of(new RunMetrics.EpochRow(1, 1.0, 1.1, 0.5, 0.1, 10), new RunMetrics.EpochRow(2, 0.5, 0.7, 0.75, 0.1, 10),
                        new RunMetrics.EpochRow(3, 0.4, 0.75, 0.7, 0.1, 10))),
                List.of("a note"), List.of())
                .withProvenance(new Provenance("sha256:data", Map.of("fmnist-cnn", "abc"), "rules-hash", List.of("derive.drl"), "plan-sha",
                        "FINETUNE_ABOVE b2_pool", 42, "model-sha", "transfer-advisor test"));
        return HtmlReport.render("tiny", plan, rm, profile, audit, data, Tiny.GEOMETRY);
    }
}

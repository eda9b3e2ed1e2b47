package io.transferadvisor.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.ToolVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's result depends on (after Tribuo's provenance), written into metrics.json and run.json:
 * the data, the pretrained weights, the rules that made the plan, the plan as executed, and the
 * trained model. Two runs with the same provenance and seed should give the same model.
 *
 * @param datasetHash         content hash of the selected labelled images and labels
 * @param sourceModelSha256   pretrained model name -> SHA-256 of its weights ("unknown" when not recorded)
 * @param rulesHash           SHA-256 over the rule files that made the plan (null for a hand-written plan)
 * @param ruleFiles           those rule files, in load order
 * @param planSha256          SHA-256 of the run's plan.yaml (the plan as executed)
 * @param plan                the plan's decision, e.g. "FINETUNE_ABOVE b2_pool"
 * @param seed                the plan's seed
 * @param trainedModelSha256  SHA-256 of model.zip (null for an ensemble, whose members have their own)
 * @param tool                tool name and version
 */
public record Provenance(String datasetHash, Map<String, String> sourceModelSha256, String rulesHash, List<String> ruleFiles,
                         String planSha256, String plan, long seed, String trainedModelSha256, String tool) {

    public static Provenance of(Path runDir, Plan plan, String signature, LoadedDataset data, JsonNode audit) {
        Map<String, String> shas = new LinkedHashMap<>();
        for (String m : plan.models()) {
            shas.put(m, "unknown");
        }
        String rulesHash = null;
        List<String> ruleFiles = List.of();
        if (audit != null) {
            JsonNode in = audit.path("inputs");
            for (JsonNode p : in.path("profiles")) {
                if (shas.containsKey(p.path("model").asText())) {
                    shas.put(p.path("model").asText(), p.path("modelSha256").asText("unknown"));
                }
            }
            rulesHash = in.path("rulesHash").isTextual() ? in.path("rulesHash").asText() : null;
            ruleFiles = new java.util.ArrayList<>();
            for (JsonNode f : in.path("ruleFiles")) {
                ruleFiles.add(f.asText());
            }
        }
        Path planFile = runDir.resolve(io.transferadvisor.plan.PlanPaths.RUN_PLAN);
        Path model = runDir.resolve("model.zip");
        return new Provenance(data.contentHash(), shas, rulesHash, ruleFiles,
                Files.isRegularFile(planFile) ? Hashing.sha256(planFile) : null, signature, plan.seed(),
                Files.isRegularFile(model) ? Hashing.sha256(model) : null, ToolVersion.tool());
    }
}

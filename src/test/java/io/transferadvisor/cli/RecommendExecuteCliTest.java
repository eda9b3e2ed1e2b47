package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.rules.PlanFiles;
import io.transferadvisor.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `advisor recommend --execute`: probe, recommend and train in one command on the tiny glyph set
 * (72 images, at most 5 epochs), with a @TempDir feature cache and run directory.
 */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class RecommendExecuteCliTest {

    @Test
    void recommendExecuteWritesThePlanAndARunDirectory(@TempDir Path dir) throws Exception {
        Path yaml = RecommendProbeCliTest.tinyGlyphs(dir);
        Path plan = dir.resolve("plan.yaml");
        Path run = dir.resolve("run");
        Path cache = dir.resolve("cache");
        var r = CliTestSupport.run("recommend", yaml.toString(), "-o", plan.toString(), "--cache", cache.toString(),
                "--execute", "--run-dir", run.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();

        Plan p = PlanIO.read(plan);
        assertThat(PlanFiles.auditOf(plan)).exists();
        assertThat(PlanFiles.profileOf(plan)).exists();
        assertThat(RecommendProbeCliTest.filesUnder(cache)).isPositive();

        for (String f : new String[] {"metrics.json", "plan.yaml", "audit.json", "profile.json", "report.html"}) {
            assertThat(run.resolve(f)).as(f).isRegularFile();
        }
        // TINY data: an ENSEMBLE of the model's plans, each member's network in its own folder
        assertThat(p.strategy()).isEqualTo(io.transferadvisor.plan.Strategy.ENSEMBLE);
        for (int i = 1; i <= p.ensembleMembers().size(); i++) {
            assertThat(run.resolve("member-" + i).resolve("model.zip")).isRegularFile();
        }
        JsonNode metrics = Json.json().readTree(Files.readString(run.resolve("metrics.json")));
        assertThat(metrics.path("strategy").asText()).isEqualTo(p.strategy().name());
        // split test 0.25 of 12 images x 6 letters
        assertThat(metrics.path("test").path("images").asInt()).isEqualTo(18);
        double accuracy = metrics.path("test").path("accuracy").asDouble(-1);
        // the reported accuracy is the test confusion matrix's diagonal over its 18 images
        JsonNode confusion = metrics.path("test").path("confusion");
        assertThat(confusion.size()).isEqualTo(6);
        int total = 0;
        int correct = 0;
        for (int t = 0; t < confusion.size(); t++) {
            for (int q = 0; q < confusion.get(t).size(); q++) {
                total += confusion.get(t).get(q).asInt();
            }
            correct += confusion.get(t).get(t).asInt();
        }
        assertThat(total).isEqualTo(18);
        assertThat(accuracy).isEqualTo((double) correct / total);
        assertThat(metrics.path("members").size()).isEqualTo(p.ensembleMembers().size());
        for (JsonNode m : metrics.path("members")) {
            assertThat(m.path("testAccuracy").asDouble(-1)).isBetween(0.0, 1.0);
        }
        assertThat(PlanIO.read(run.resolve("plan.yaml")).strategy()).isEqualTo(p.strategy());
        // explain reads the run's own plan.yaml as the run (its audit is audit.json, not plan.audit.json), as it reads the directory
        var byPlan = CliTestSupport.run("explain", run.resolve("plan.yaml").toString());
        assertThat(byPlan.exitCode()).as(byPlan.err()).isZero();
        assertThat(byPlan.out()).startsWith("decision: ENSEMBLE").isEqualTo(CliTestSupport.run("explain", run.toString()).out());
        assertThat(r.out()).contains("plan: " + p.strategy().name(), run.toString(),
                String.format(java.util.Locale.ROOT, "accuracy %.4f", accuracy));
    }
}

package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.report.RunMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the strategy tests share: the tiny source network saved as a zip (Tiny.sourceZip), a run of
 * a plan on Tiny's images, and checks on which layers a run kept or changed and on its metrics.
 */
abstract class TinyStrategyFixture {
    @TempDir
    static Path tmp;
    static Path zip;
    static ComputationGraph source;

    @BeforeAll
    static void source() throws Exception {
        zip = Tiny.sourceZip(tmp);
        source = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
    }

    static RunResult run(String name, Plan plan, boolean unlabelled) {
        StringWriter log = new StringWriter();
        RunResult r = Executor.run(plan, Tiny.inputs(zip, 0.8f, unlabelled), Tiny.options(tmp.resolve(name), tmp.resolve("cache")),
                new PrintWriter(log, true));
        assertThat(log.toString()).contains("run finished");
        return r;
    }

    static ComputationGraph model(RunResult r) throws Exception {
        return ModelSerializer.restoreComputationGraph(r.runDir().resolve("model.zip").toFile(), false);
    }

    static void sameParams(ComputationGraph a, ComputationGraph b, String... layers) {
        for (String l : layers) {
            assertThat(a.getLayer(l).params().equalsWithEps(b.getLayer(l).params(), 0)).as("layer %s unchanged", l).isTrue();
        }
    }

    static void changedParams(ComputationGraph a, ComputationGraph b, String... layers) {
        for (String l : layers) {
            assertThat(a.getLayer(l).params().equalsWithEps(b.getLayer(l).params(), 1e-7)).as("layer %s changed", l).isFalse();
        }
    }

    static void metricsComputed(RunResult r) {
        RunMetrics m = r.metrics();
        assertThat(m.test().images()).isEqualTo(18);
        int total = 0;
        for (int[] row : m.test().confusion()) {
            for (int v : row) {
                total += v;
            }
        }
        assertThat(total).isEqualTo(18);
        int correct = 0;
        for (int c = 0; c < m.test().confusion().length; c++) {
            correct += m.test().confusion()[c][c];
        }
        assertThat(m.test().accuracy()).isEqualTo((double) correct / total); // the accuracy is the confusion matrix's diagonal
        assertThat(m.test().perClass()).hasSize(3);
        assertThat(m.epochsRun()).isGreaterThan(0);
        assertThat(r.runDir().resolve("metrics.json")).exists();
        assertThat(r.runDir().resolve("report.html")).exists();
        assertThat(r.runDir().resolve("plan.yaml")).exists();
    }
}

package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.Audit;
import io.transferadvisor.rules.AuditIO;
import io.transferadvisor.rules.PlanFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `advisor recommend` without --profile: the real probe on a tiny copy of examples/glyphs.yaml
 * (12 images per letter, 6 letters; no unlabelled pool) against the project's fmnist-cnn, with a
 * @TempDir feature cache (--cache) so the user's cache is neither read nor written.
 */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class RecommendProbeCliTest {
    static final int PER_CLASS = 12;
    static final int CLASSES = 6;

    /** A dataset.yaml in dir pointing at the committed glyph images by absolute path. */
    static Path tinyGlyphs(Path dir) throws Exception {
        Path images = Path.of("examples", "glyphs", "labelled").toAbsolutePath().normalize();
        Path yaml = dir.resolve("glyphs-tiny.yaml");
        Files.writeString(yaml, String.format(java.util.Locale.ROOT, """
                version: 1
                name: glyphs-tiny
                train:
                  format: folder
                  path: %s
                  per_class: %d
                split: {test: 0.25, validation: 0.15}
                model: fmnist-cnn
                seed: 42
                budget: {minutes: 1, max_epochs: 5}
                """, images, PER_CLASS));
        return yaml;
    }

    static long filesUnder(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void recommendProbesTheDatasetAndWritesPlanAuditAndProfile(@TempDir Path dir) throws Exception {
        Path yaml = tinyGlyphs(dir);
        Path plan = dir.resolve("out").resolve("plan.yaml");
        Files.createDirectories(plan.getParent());
        Path cache = dir.resolve("cache");
        var r = CliTestSupport.run("recommend", yaml.toString(), "-o", plan.toString(), "--cache", cache.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();

        // the probe ran: per-layer progress on stderr, activations in the given cache
        assertThat(r.err()).contains("probe: b1_pool", "probe: fc1_relu");
        assertThat(filesUnder(cache)).isPositive();

        Plan p = PlanIO.read(plan);
        assertThat(p.models()).containsExactly("fmnist-cnn");
        assertThat(r.out()).startsWith("plan: " + p.strategy().name()).contains("why:", "  1. ", "wrote " + plan);

        Path auditFile = PlanFiles.auditOf(plan);
        assertThat(auditFile).exists();
        Audit audit = AuditIO.read(auditFile);
        assertThat(audit.plan().strategy()).isEqualTo(p.strategy());
        assertThat(audit.plan().cutoffLayer()).isEqualTo(p.cutoffLayer());
        assertThat(audit.inputs().options()).containsEntry("profile", "measured");
        // one trace per evaluation: the plan's, and on this TINY data one per extra member of the ENSEMBLE of the model's plans
        assertThat(p.strategy()).isEqualTo(io.transferadvisor.plan.Strategy.ENSEMBLE);
        assertThat(audit.traces()).hasSize(p.ensembleMembers().size());
        assertThat(audit.traces().get(0).firings()).isNotEmpty();

        DatasetProfile measured = PlanFiles.readProfile(PlanFiles.profileOf(plan));
        assertThat(measured.model()).isEqualTo("fmnist-cnn");
        assertThat(measured.size().images()).isEqualTo(PER_CLASS * CLASSES);
        assertThat(measured.size().classes()).isEqualTo(CLASSES);
        assertThat(measured.layers()).extracting(DatasetProfile.LayerProbe::layer)
                .containsExactly("b1_pool", "b2_pool", "b3_relu", "b4_relu", "fc1_relu");
        // each probe accuracy is a share of the sampled images predicted right when held out: a whole count of them
        int sampled = measured.sampling().sampledImages();
        assertThat(measured.layers()).allSatisfy(l -> {
            double right = l.probeAccuracy().value() * sampled;
            assertThat(right).as(l.layer()).isCloseTo(Math.rint(right), within(1e-9));
        });
        // the learning curve is measured on the best layer: its last point (all the data) is that layer's probe accuracy
        double best = measured.layers().stream().mapToDouble(l -> l.probeAccuracy().value()).max().orElseThrow();
        var curve = measured.sufficiency().curve();
        assertThat(curve.get(curve.size() - 1).fraction()).isEqualTo(1.0);
        assertThat(curve.get(curve.size() - 1).accuracy().value()).isEqualTo(best);
        assertThat(audit.inputs().profiles().get(0).datasetHash()).isEqualTo(measured.datasetHash());

        // the profile written beside the plan is what the plan was decided from: recommending from it gives the same plan
        Path again = plan.resolveSibling("again.yaml");
        var fromFile = CliTestSupport.run("recommend", yaml.toString(), "--profile", PlanFiles.profileOf(plan).toString(),
                "-o", again.toString());
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(PlanIO.read(again)).isEqualTo(p);
    }
}

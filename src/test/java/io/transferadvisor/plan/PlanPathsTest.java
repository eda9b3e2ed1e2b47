package io.transferadvisor.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** One naming of a plan's files, for the recommend that writes them and the execute and explain that read them. */
class PlanPathsTest {
    @Test
    void auditAndProfileSitBesideThePlanUnderItsBaseName() {
        Path dir = Path.of("/tmp/x");
        assertThat(PlanPaths.auditOf(dir.resolve("plan.yaml"))).isEqualTo(dir.resolve("plan.audit.json"));
        assertThat(PlanPaths.profileOf(dir.resolve("my.plan.yml"))).isEqualTo(dir.resolve("my.plan.profile.json"));
        assertThat(PlanPaths.profileOf(dir.resolve("plan.yaml"), "zoo:resnet50")).isEqualTo(dir.resolve("plan.profile-zoo_resnet50.json"));
        // a name without .yaml keeps every part: execute used to cut at the last dot and look for plan.audit.json here
        assertThat(PlanPaths.auditOf(dir.resolve("plan.v2"))).isEqualTo(dir.resolve("plan.v2.audit.json"));
    }
}

package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.plan.Strategy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/familiar.yaml through the real command line: the probe on real images, the familiar-domain rule, explain. */
class FamiliarDomainCliTest {
    @Test
    void theSourceModelsOwnClassesGetOnePlanNotTheEnsembleAndExplainSaysWhy(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        var r = CliTestSupport.run("recommend", "examples/familiar.yaml", "-o", plan.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Plan p = PlanIO.read(plan);
        assertThat(p.strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(p.cutoffLayer()).isEqualTo("b4_relu");
        assertThat(p.ensembleMembers()).isEmpty();
        var e = CliTestSupport.run("explain", plan.toString());
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertThat(e.out()).contains("a familiar domain: similarity 0.9", "[familiar-domain: similarity >= 0.9, TINY or SMALL data]",
                "[reject-ensemble-plans-familiar]", "if the domain were less similar (similarity <= 0.89")
                .doesNotContain("outranked by FINETUNE_ABOVE");
    }
}

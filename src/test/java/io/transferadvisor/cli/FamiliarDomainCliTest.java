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
    void theSourceModelsOwnClassesGetThePairNotTheLargerEnsembleAndExplainSaysWhy(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        var r = CliTestSupport.run("recommend", "examples/familiar.yaml", "-o", plan.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Plan p = PlanIO.read(plan);
        assertThat(p.strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(p.ensembleMembers()).extracting(Plan::strategy).containsExactly(Strategy.FINETUNE_ABOVE, Strategy.LINEAR_FROZEN);
        assertThat(p.ensembleMembers()).extracting(Plan::cutoffLayer).containsExactly("b4_relu", "fc1_relu");
        var e = CliTestSupport.run("explain", plan.toString());
        assertThat(e.exitCode()).as(e.err()).isZero();
        // the threshold as rules/thresholds.csv holds it (the suite moves it: 0.9 from stop 35, 0.92 from stop 39)
        double familiar = io.transferadvisor.rules.Thresholds.read(Path.of("rules")).stream()
                .filter(t -> t.name().equals("similarity.familiar")).findFirst().orElseThrow().value();
        String shown = java.math.BigDecimal.valueOf(familiar).stripTrailingZeros().toPlainString();
        assertThat(e.out()).contains("a familiar domain: similarity 0.9", "[familiar-domain: similarity >= " + shown + ", TINY or SMALL data]",
                "[reject-ensemble-plans-familiar]", "cost: 2 networks",
                String.format(java.util.Locale.ROOT, "if the domain were less similar (similarity <= %.2f", familiar - 0.01))
                .doesNotContain("outranked by FINETUNE_ABOVE");
    }
}

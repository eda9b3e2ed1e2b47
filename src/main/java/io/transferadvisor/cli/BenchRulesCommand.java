package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.RulesBench;
import io.transferadvisor.util.Home;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench rules`: wall time of `advisor recommend --profile` (JVM included) and of a warm rule evaluation. */
@Command(name = "rules",
        mixinStandardHelpOptions = true,
        description = {
            "Time the rule base: `advisor recommend DATASET --profile PROFILE` run as a subprocess through the launcher "
                + "(JVM start, rule compilation, counterfactual search and file writes included), the cold rule compilation, "
                + "a warm decision (all rules once per model + model selection) and a warm full recommendation "
                + "(with counterfactuals and audit), over many iterations; and `rules check`.",
            "Targets: recommend under 3 s, warm evaluation under 50 ms. Writes a markdown table with the command that produced it."},
        footer = {"", "Examples:", "  advisor bench rules", "  advisor bench rules --runs 10 --iterations 5000"})
public final class BenchRulesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", defaultValue = "5", description = "Subprocess runs of the launcher (default: ${DEFAULT-VALUE}; 0 skips them).")
    int runs;

    @Option(names = "--iterations", defaultValue = "2000", description = "Warm decisions to time (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--dataset", defaultValue = "examples/default.yaml", description = "Dataset for the subprocess runs (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--profile", defaultValue = "src/test/resources/rules/fmnist-default.profile.json",
            description = "Saved profile (default: ${DEFAULT-VALUE}, measured by the probe on examples/default.yaml).")
    String profile;

    @Option(names = "--second-profile", defaultValue = "src/test/resources/rules/glyphs-default.profile.json",
            description = "A second model's saved profile of the same dataset, for the two-model rows (default: ${DEFAULT-VALUE}, "
                    + "glyphs-cnn on examples/default.yaml; 'none' skips them).")
    String second;

    @Option(names = "--launcher", description = "Launcher to run (default: ADVISOR_HOME/advisor).")
    Path launcher;

    @Option(names = {"-o", "--output"}, defaultValue = "docs/benchmarks/rules.md", description = "Table to write (default: ${DEFAULT-VALUE}, under the installation).")
    Path output;

    @Override
    public Integer call() throws Exception {
        Args.range(spec, "--runs", runs, 0, 10_000);
        Args.range(spec, "--iterations", iterations, 1, 100_000_000);
        String md = RulesBench.run(new RulesBench.Options(runs, iterations, dataset, profile,
                "none".equals(second) ? null : second, launcher), spec.commandLine().getOut());
        BenchReport.publish(output.isAbsolute() ? output : Home.dir().resolve(output), md, spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}

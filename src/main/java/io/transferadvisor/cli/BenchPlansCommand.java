package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchTasks;
import io.transferadvisor.bench.PlanBench;
import io.transferadvisor.util.Home;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench plans`: the rules' recommendation against every strategy (the oracle) on a grid of tasks. */
@Command(name = "plans", mixinStandardHelpOptions = true,
        description = {"Compare the recommended plan with every strategy (the oracle) on benchmark tasks.",
            "For each task: profile, recommend, then execute every strategy with the same seed and caps;",
            "report the recommended plan's test accuracy, the best strategy's (the oracle) and the regret."},
        footer = {"", "Example:", "  advisor bench plans --tasks default,glyphs,fashion200,inverted -o docs/benchmarks/plans.md"})
public final class BenchPlansCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tasks", split = ",", paramLabel = "T1,T2", description = "Built-in tasks (default, glyphs, fashion200, inverted) or dataset.yaml paths (default: all built-in).")
    List<String> tasks;

    @Option(names = "--max-epochs", defaultValue = "15", description = "Epoch cap of every trial (default ${DEFAULT-VALUE}).")
    int maxEpochs;

    @Option(names = "--run-minutes", defaultValue = "2", description = "Wall-clock budget of every trial (default ${DEFAULT-VALUE}).")
    double runMinutes;

    @Option(names = "--cache", paramLabel = "DIR", description = "Feature cache (default $ADVISOR_CACHE or ~/.cache/transfer-advisor).")
    Path cache;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/plans.md under the advisor home).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        List<String> names = tasks == null || tasks.isEmpty() ? BenchTasks.DEFAULT : tasks;
        Args.range(spec, "--max-epochs", maxEpochs, 1, 10_000);
        Args.positive(spec, "--run-minutes", runMinutes);
        // every task is checked before the first one starts (a typo in the last task used to surface hours in)
        for (String t : names) {
            if (!BenchTasks.DEFAULT.contains(t) && !Files.isRegularFile(Path.of(t))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tasks " + t + ": neither a built-in task "
                        + BenchTasks.DEFAULT + " nor a dataset.yaml file" + io.transferadvisor.util.Suggest.didYouMean(t, BenchTasks.DEFAULT));
            }
        }
        PlanBench.runTasks(names, maxEpochs, runMinutes, cache, out != null ? out : Home.dir().resolve("docs/benchmarks/plans.md"), out, w);
        return ExitCodes.OK;
    }
}

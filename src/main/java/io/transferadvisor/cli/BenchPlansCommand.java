package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.BenchTasks;
import io.transferadvisor.bench.PlanBench;
import io.transferadvisor.bench.PlanResults;
import io.transferadvisor.pipeline.Advisor;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Home;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    private String rulesHash = "?";

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
        Path work = Files.createTempDirectory("bench-plans");
        w.println("runs and generated tasks in " + work);
        Path cacheDir = cache != null ? cache : Home.cache();
        Advisor advisor = new Advisor(Advisor.Settings.defaults().withCache(cacheDir));
        rulesHash = advisor.rules().hash();
        PlanBench bench = new PlanBench(advisor, new PlanBench.Settings(maxEpochs, runMinutes, work.resolve("runs"), cacheDir));
        long t0 = System.nanoTime();
        List<PlanResults.TaskResult> results = new ArrayList<>();
        Path file = out != null ? out : Home.dir().resolve("docs/benchmarks/plans.md");
        for (String t : names) {
            Path yaml = BenchTasks.resolve(t, Home.dir(), work);
            results.add(bench.run(t, yaml, w));
            // written after every task, so a long bench that is stopped still leaves the tasks it finished
            AtomicFiles.writeString(file, document(names, results, (System.nanoTime() - t0) / 6e10));
        }
        w.println(PlanResults.markdown(results));
        w.println("wrote " + file);
        return ExitCodes.OK;
    }

    String document(List<String> names, List<PlanResults.TaskResult> results, double minutes) {
        StringBuilder md = new StringBuilder(BenchReport.header("recommended plan vs every strategy (oracle)",
                "advisor bench plans --tasks " + String.join(",", names) + " --max-epochs " + maxEpochs + " --run-minutes " + fmt(runMinutes)
                        + (out != null ? " -o " + out : ""), "other jobs may share the machine"));
        md.append("Rules: ").append(Home.rules()).append(" (rules hash ").append(rulesHash.substring(0, Math.min(12, rulesHash.length()))).append("); whole bench ").append(String.format(Locale.ROOT, "%.1f", minutes)).append(" min.\n\n");
        md.append("Every trial of a task uses the recommended plan's head, seed, learning rates and batch size, at most ").append(maxEpochs)
                .append(" epochs (early stopping on validation accuracy) and ").append(fmt(runMinutes))
                .append(" min; only strategy, cutoff and grow blocks change. A backbone rate of 0 (linear plans) becomes head/10 for ")
                .append("fine-tuning strategies. Test sets as given by each task. Regret = oracle minus recommended test accuracy, in points; ")
                .append("with ~500 test images one image is 0.2 points and the 95% interval of an accuracy near 0.85 is about +-3 points.\n\n");
        if (results.size() < names.size()) {
            md.append("**Partial: ").append(results.size()).append(" of ").append(names.size()).append(" tasks finished so far.**\n\n");
        }
        md.append(PlanResults.markdown(results));
        return md.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

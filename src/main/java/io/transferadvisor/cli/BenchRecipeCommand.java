package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.suite.RecipeBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench recipe`: the rules' plan per suite task under other epoch caps, patience and batch sizes (issue 13). */
@Command(name = "recipe", mixinStandardHelpOptions = true,
        description = {"Measure what the training recipe (epoch cap, patience, batch size) does to time and accuracy.",
            "Per suite task and seed: the rules' plan from the probe 'bench suite' recorded, executed as the rules write it",
            "and under each recipe; paired differences per size class. Results are appended: rerun to resume."},
        footer = {"", "Examples:", "  advisor bench recipe                       # calibration tasks, docs/benchmarks/recipe-calibration.md",
            "  advisor bench recipe --split held-out --variants suite-schedule   # check one recipe on the held-out tasks",
            "  advisor bench recipe --report-only         # the tables from what is recorded, no training"})
public final class BenchRecipeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--suite", paramLabel = "FILE", description = "Suite file (default examples/suite.yaml under the advisor home).")
    Path suiteFile;

    @Option(names = "--split", paramLabel = "SPLIT", description = "calibration (default), held-out or all.")
    String split;

    @Option(names = "--tasks", split = ",", paramLabel = "ID,ID", description = "Only these tasks.")
    List<String> taskIds;

    @Option(names = "--seeds", split = ",", paramLabel = "S,S", description = "Only these of the suite's seeds.")
    List<Long> seeds;

    @Option(names = "--variants", split = ",", paramLabel = "ID,ID",
            description = "Recipes to run besides the rules' own: half-patience, batch-x2, suite-schedule (default all).")
    List<String> variants;

    @Option(names = "--results", paramLabel = "FILE", description = "Results file, appended and resumed (default docs/benchmarks/recipe-results.jsonl).")
    Path resultsFile;

    @Option(names = "--report-only", description = "Train nothing: the tables from what the results hold.")
    boolean reportOnly;

    @Option(names = "--rules", paramLabel = "DIR", description = "Rule folder whose plans run (default rules/ under the advisor home).")
    Path rulesDir;

    @Option(names = "--cache", paramLabel = "DIR", description = "Feature cache (default $ADVISOR_CACHE or ~/.cache/transfer-advisor).")
    Path cache;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown report (default docs/benchmarks/recipe-SPLIT.md).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        RecipeBench.Result r;
        try {
            r = RecipeBench.run(new RecipeBench.Options(suiteFile, taskIds, split, seeds, variants, resultsFile, reportOnly, rulesDir, cache, out), w);
        } catch (io.transferadvisor.UsageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        BenchReport.publish(r.report(), r.markdown(), w);
        return ExitCodes.OK;
    }
}

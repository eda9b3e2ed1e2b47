package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.suite.SuiteBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench suite`: the advice-quality suite (issue 8): oracle per task, advisor vs fixed policies, calibration vs held-out. */
@Command(name = "suite", mixinStandardHelpOptions = true,
        description = {"Judge the advisor against fixed policies on the task suite.",
            "Per task and seed: probe, then train every oracle candidate (every strategy at every cut) and the advisor's",
            "pick; compare the advisor with fixed policies on the calibration and the held-out tasks.",
            "Results are appended as they are made: rerun to resume."},
        footer = {"", "Examples:", "  advisor bench suite                 # the full suite (about an hour on 2 cores), docs/benchmarks/suite.md",
            "  advisor bench suite --quick -o /tmp/quick.md   # a few tasks: checks the harness, not the targets",
            "  advisor bench suite --model-trials  # add each run's short trial of every model (model-choice candidates)",
            "  advisor bench suite --report-only   # re-score the recorded results with the current rules, no training",
            "  advisor bench suite --report-only --rules /tmp/rules2 --decisions /tmp/d.jsonl -o /tmp/s.md   # another rule base, its decisions per run"})
public final class BenchSuiteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--suite", paramLabel = "FILE", description = "Suite file (default examples/suite.yaml under the advisor home).")
    Path suiteFile;

    @Option(names = "--quick", description = "Only the suite's quick tasks and its first seed; results in a temporary folder unless --results is given.")
    boolean quick;

    @Option(names = "--tasks", split = ",", paramLabel = "ID,ID", description = "Only these tasks.")
    List<String> taskIds;

    @Option(names = "--seeds", split = ",", paramLabel = "S,S", description = "Only these of the suite's seeds; with --results FILE, also seeds the suite does not list (fresh seeds, to check the oracle's noise: docs/design/suite.md).")
    List<Long> seeds;

    @Option(names = "--results", paramLabel = "FILE", description = "Results file, appended and resumed (default docs/benchmarks/suite-results.jsonl).")
    Path resultsFile;

    @Option(names = "--report-only", description = "Train nothing: score what the results hold with the current rules.")
    boolean reportOnly;

    @Option(names = "--rules", paramLabel = "DIR", description = "Rule folder to judge (default rules/ under the advisor home).")
    Path rulesDir;

    @Option(names = "--cache", paramLabel = "DIR", description = "Feature cache (default $ADVISOR_CACHE or ~/.cache/transfer-advisor).")
    Path cache;

    @Option(names = "--model-trials", description = "Also make each run's short trial of every model (3-fold cross-validation of fine-tuning above its first cut over the run's training images; docs/design/suite.md), where the results do not hold it.")
    boolean modelTrials;

    @Option(names = "--decisions", paramLabel = "FILE", description = "Also write each scored run's decision as JSON lines: the model the rules take and, per model, its oracle, the rules' plan for it and that plan's accuracy (scripts/sweep-thresholds.py reads it).")
    Path decisions;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown report (default docs/benchmarks/suite.md; its heat map beside it as suite-heatmap.png).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        SuiteBench.Result r;
        try {
            r = SuiteBench.run(new SuiteBench.Options(suiteFile, quick, taskIds, seeds, resultsFile, reportOnly, rulesDir, cache, out, modelTrials, decisions), w);
        } catch (io.transferadvisor.UsageException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (r.report() != null) {
            BenchReport.publish(r.report(), r.markdown(), w);
        } else {
            w.println(r.markdown());
        }
        return ExitCodes.OK;
    }
}

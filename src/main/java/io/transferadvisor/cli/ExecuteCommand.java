package io.transferadvisor.cli;

import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.plan.PlanOverrides;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `advisor execute PLAN.yaml`: trains what a plan says and writes a run directory. */
@Command(name = "execute",
        mixinStandardHelpOptions = true,
        description = {
            "Carry out a plan (recommended or edited by hand) with DL4J: train, evaluate and write a run directory.",
            "The run directory holds model.zip, plan.yaml (as executed), profile.json, audit.json, metrics.json and report.html.",
            "A run is checkpointed every epoch; continue a killed one with --resume RUN_DIR."},
        footer = {"",
            "Examples:",
            "  advisor execute plan.yaml -o runs/glyphs",
            "  advisor execute plan.yaml --strategy FINETUNE_ALL --epochs 5 -o runs/glyphs-ft",
            "  advisor execute --resume runs/glyphs"})
public final class ExecuteCommand implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Mixin
    RunOptions run;

    @CommandLine.Mixin
    SparkOption spark;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PLAN.yaml", description = "The plan to execute (omit with --resume).")
    Path planFile;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in RUN_DIR from its last checkpoint (uses the plan recorded there).")
    Path resume;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ExecuteOptions options = run.options(output).withResume(resume);
        try (io.transferadvisor.features.RemoteFeaturizer remote = spark.open()) {
            return execute(options.withRemote(remote), out, err);
        }
    }

    private Integer execute(ExecuteOptions options, PrintWriter out, PrintWriter err) throws Exception {
        RunResult r;
        if (resume != null) {
            if (planFile != null || !run.overrides().isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--resume continues the plan recorded in RUN_DIR; do not give PLAN.yaml or overrides with it");
            }
            if (run.out != null || run.force) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--resume continues in RUN_DIR itself; do not give " + (run.out != null ? "-o/--output" : "--force") + " with it");
            }
            r = Executor.execute(null, null, options, progressWriter(out, err));
        } else {
            if (planFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "missing PLAN.yaml (or --resume RUN_DIR)");
            }
            Plan plan = run.overrides().apply(PlanIO.read(planFile));
            r = Executor.execute(plan, planFile, options, progressWriter(out, err));
        }
        printResult(out, output, r);
        return ExitCodes.OK;
    }

    /** Progress goes to stderr (stdout carries the result only); nowhere with --quiet. */
    PrintWriter progressWriter(PrintWriter out, PrintWriter err) {
        return output.quiet() ? new PrintWriter(java.io.Writer.nullWriter()) : err;
    }

    static void printResult(PrintWriter out, OutputOptions output, RunResult r) throws Exception {
        var m = r.metrics();
        if (output.json()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("runDir", r.runDir().toString());
            j.put("strategy", m.strategy());
            j.put("testAccuracy", m.test().accuracy());
            j.put("testMacroF1", m.test().macroF1());
            j.put("testImages", m.test().images());
            j.put("validationAccuracy", m.validation().accuracy());
            j.put("validationImages", m.validation().images());
            j.put("epochsRun", m.epochsRun());
            j.put("bestEpoch", m.bestEpoch());
            j.put("overrides", r.plan().overrides());
            out.println(Json.json().writeValueAsString(j));
        } else {
            out.printf(java.util.Locale.ROOT, "run        %s%n", r.runDir());
            out.printf(java.util.Locale.ROOT, "strategy   %s%s%n", m.strategy(), r.plan().cutoffLayer() == null ? "" : " (cutoff " + r.plan().cutoffLayer() + ")");
            out.printf(java.util.Locale.ROOT, "test       accuracy %.4f, macro-F1 %.4f on %d images%n", m.test().accuracy(), m.test().macroF1(), m.test().images());
            out.printf(java.util.Locale.ROOT, "validation accuracy %.4f on %d images%s%n", m.validation().accuracy(), m.validation().images(),
                    m.validation().images() < 100 ? " (a small split: it picks the epoch to keep; the test accuracy is the estimate)" : "");
            if (m.epochsRun() > 0) {
                out.printf(java.util.Locale.ROOT, "epochs     %d (best %d, %s)%n", m.epochsRun(), m.bestEpoch(), m.stopReason());
            }
            if (!r.plan().overrides().isEmpty()) {
                out.printf(java.util.Locale.ROOT, "overrides  %s%n", String.join("; ", r.plan().overrides()));
            }
            out.printf(java.util.Locale.ROOT, "report     %s%n", r.runDir().resolve("report.html"));
        }
        out.flush();
    }

    /** Options shared by `execute` and `run`: output folder, --force, and the plan overrides. */
    public static final class RunOptions {
        @Option(names = {"-o", "--output"}, paramLabel = "RUN_DIR", description = "Run directory (default runs/<dataset>-<strategy>-<timestamp>).")
        Path out;

        @Option(names = "--force", description = "Replace an existing run directory made by advisor (never a folder without its .advisor-run marker, the current, home or installation folder). A failed run is replaced without it.")
        boolean force;

        @Option(names = "--strategy", paramLabel = "S", description = "Override the strategy: ${COMPLETION-CANDIDATES}.")
        Strategy strategy;

        @Option(names = "--cutoff", paramLabel = "LAYER", description = "Override the cutoff layer (a layer name of the model; strategies LINEAR_FROZEN, LINEAR_EARLIER, TRUNCATE_GROW, FINETUNE_ABOVE, and AUTOENCODER_TRANSFER, where the encoder ends).")
        String cutoff;

        @Option(names = "--freeze", paramLabel = "L1,L2", split = ",", description = "Also freeze these layers (FINETUNE_ABOVE, FINETUNE_ALL, FROM_SCRATCH, AUTOENCODER_TRANSFER; FINETUNE_ABOVE freezes up to its cut as well).")
        List<String> freeze;

        @Option(names = "--lr", paramLabel = "X", description = "Override the head learning rate.")
        Double lr;

        @Option(names = "--backbone-lr", paramLabel = "X", description = "Override the backbone learning rate (strategies that fine-tune pretrained layers: FINETUNE_ABOVE, FINETUNE_ALL, AUTOENCODER_TRANSFER).")
        Double backboneLr;

        @Option(names = "--epochs", paramLabel = "N", description = "Override the maximum number of epochs.")
        Integer epochs;

        @Option(names = "--lr-schedule", paramLabel = "SPEC", description = "Override the learning-rate schedule: constant, "
                + "warmup:EPOCHS[:PEAK] (climb to PEAK times the plan's rates over EPOCHS epochs) or one-cycle:EPOCHS[:PEAK] (up from PEAK/10 "
                + "to PEAK over 30%% of EPOCHS, then down to PEAK/100); PEAK defaults to 1.")
        String lrSchedule;

        @Option(names = "--cache", paramLabel = "DIR", description = "Feature cache folder (default $ADVISOR_CACHE or ~/.cache/transfer-advisor).")
        Path cache;

        public PlanOverrides overrides() {
            return new PlanOverrides(strategy, cutoff, freeze, lr, backboneLr, epochs, lrSchedule);
        }

        @Option(names = "--checkpoint-every", paramLabel = "SECONDS", defaultValue = "" + ExecuteOptions.DEFAULT_CHECKPOINT_SECONDS,
                description = "Commit a resumable checkpoint after an epoch once this many seconds have passed since the last (0 = after every epoch); "
                        + "a killed run resumes from the last one and replays the epochs after it exactly. Default: ${DEFAULT-VALUE}.")
        double checkpointEvery;

        public ExecuteOptions options(OutputOptions output) {
            ExecuteOptions o;
            try {
                o = ExecuteOptions.defaults().withCheckpointSeconds(checkpointEvery); // ExecuteOptions holds the bound
            } catch (IllegalArgumentException e) {
                throw new io.transferadvisor.UsageException("--checkpoint-every " + checkpointEvery + ": " + e.getMessage());
            }
            return o.withOutput(out).withForce(force).withCacheDir(cache).withInteractive(System.console() != null && !output.quiet());
        }
    }
}

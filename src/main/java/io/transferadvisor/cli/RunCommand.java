package io.transferadvisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.pipeline.Advisor;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `advisor run DATASET.yaml`: profile -> recommend -> execute in one go; `advisor run PLAN.yaml` = `advisor execute PLAN.yaml`. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Profile a dataset against its model(s), recommend a plan with the rules, and execute it.",
            "The same as 'advisor recommend DATASET.yaml -o plan.yaml' followed by 'advisor execute plan.yaml'.",
            "Overrides change the recommended plan and are recorded in the run's plan.yaml.",
            "Given a plan file (schemaVersion/strategy, no train:) instead, it executes that plan like 'advisor execute'."},
        footer = {"",
            "Examples:",
            "  advisor run examples/glyphs.yaml -o runs/glyphs",
            "  advisor run examples/glyphs.yaml --strategy FINETUNE_ALL --epochs 5",
            "  advisor run plan.yaml -o runs/glyphs-plan"})
public final class RunCommand implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Mixin
    ExecuteCommand.RunOptions run;

    @CommandLine.Mixin
    SparkOption spark;


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATASET.yaml|PLAN.yaml", description = "The dataset description, or a plan written by 'advisor recommend'.")
    Path datasetFile;

    @Override
    public Integer call() throws Exception {
        run.overrides(); // a bad --epochs / --lr is a usage error before any profiling or training
        try (io.transferadvisor.features.RemoteFeaturizer remote = spark.open()) {
            return run(remote);
        }
    }

    private Integer run(io.transferadvisor.features.RemoteFeaturizer remote) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // progress on stderr: stdout carries the result only
        PrintWriter progress = output.quiet() ? new PrintWriter(java.io.Writer.nullWriter()) : spec.commandLine().getErr();
        if (isPlanFile(datasetFile)) {
            Plan plan = run.overrides().apply(PlanIO.read(datasetFile));
            progress.println(datasetFile + " is a plan: executing it (as 'advisor execute' would)");
            ExecuteCommand.printResult(out, output, Executor.execute(plan, datasetFile, run.options(output).withRemote(remote), progress));
            return ExitCodes.OK;
        }
        Path cache = run.cache != null ? run.cache : Home.cache();
        Advisor advisor = new Advisor(Advisor.Settings.defaults().withCache(cache).withProgress(progress).withRemote(remote));
        io.transferadvisor.dataset.DatasetSpec ds = SpecReader.read(datasetFile);
        progress.println("run step 1/3: profiling " + ds.name() + " against "
                + String.join(", ", ds.models().stream().map(io.transferadvisor.dataset.DatasetSpec.ModelRef::display).toList()));
        Advisor.Profiled profiled = advisor.profile(ds, List.of());
        profiled.data().skippedSummary().ifPresent(w -> spec.commandLine().getErr().println("warning: " + w));
        progress.println("run step 2/3: recommending with the rules in " + Home.rules());
        Recommender.Recommendation rec = advisor.recommend(profiled, datasetFile.toAbsolutePath().normalize().toString(), Map.of("command", "run"));
        Plan plan = run.overrides().apply(rec.plan());
        progress.println("plan: " + io.transferadvisor.rules.Recommender.signature(plan)
                + (plan.overrides().isEmpty() ? "" : " (overridden: " + String.join("; ", plan.overrides()) + ")"));
        progress.println("run step 3/3: training (the last step: the ETA on each epoch line is the rest of the run, "
                + "an upper bound under early stopping)");
        RunResult r = advisor.execute(plan, rec, profiled, run.options(output).withRemote(remote));
        ExecuteCommand.printResult(out, output, r);
        return ExitCodes.OK;
    }

    /**
     * A plan file has a top-level schemaVersion or strategy and no train: section (a dataset.yaml
     * always has train:). Unreadable or non-mapping files are not plans: the dataset reader reports them.
     */
    static boolean isPlanFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            JsonNode n = Json.yaml().readTree(file.toFile());
            return n != null && n.isObject() && !n.has("train") && (n.has("schemaVersion") || n.has("strategy"));
        } catch (java.io.IOException e) {
            return false; // not YAML we can read: SpecReader names the problem with its line
        }
    }
}

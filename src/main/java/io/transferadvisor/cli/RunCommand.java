package io.transferadvisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.RunInputs;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.ProfileIO;
import io.transferadvisor.rules.AuditIO;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    @CommandLine.Option(names = "--no-trials", description = "Skip the measured plan trials the probe runs below " + io.transferadvisor.pipeline.PlanTrials.MAX_PER_CLASS + " training images per class (each candidate plan trained twice on half the images; the rules then decide tiny data from the size x similarity matrix alone).")
    boolean noTrials;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATASET.yaml|PLAN.yaml", description = "The dataset description, or a plan written by 'advisor recommend'.")
    Path datasetFile;

    @Override
    public Integer call() throws Exception {
        run.overrides(); // a bad --epochs / --lr is a usage error before any profiling or training
        PrintWriter out = spec.commandLine().getOut();
        // progress on stderr: stdout carries the result only
        PrintWriter progress = output.quiet() ? new PrintWriter(java.io.Writer.nullWriter()) : spec.commandLine().getErr();
        if (isPlanFile(datasetFile)) {
            Plan plan = run.overrides().apply(PlanIO.read(datasetFile));
            progress.println(datasetFile + " is a plan: executing it (as 'advisor execute' would)");
            ExecuteCommand.printResult(out, output, Executor.execute(plan, datasetFile, run.options(output), progress));
            return ExitCodes.OK;
        }
        DatasetSpec ds = SpecReader.read(datasetFile);
        LoadedDataset data = DatasetLoader.load(ds);
        data.skippedSummary().ifPresent(s -> spec.commandLine().getErr().println("warning: " + s));
        Path cache = run.cache != null ? run.cache : Home.cache();
        List<DatasetProfile> profiles = new ArrayList<>();
        Map<String, String> shas = new LinkedHashMap<>();
        Map<String, SourceModel> models = new LinkedHashMap<>();
        for (DatasetSpec.ModelRef ref : ds.models()) {
            SourceModel m = ModelRegistry.resolve(ref);
            models.put(m.name(), m);
            models.put(ref.display(), m);
            if (m.profile().sha256() != null) {
                shas.put(m.name(), m.profile().sha256());
            }
            progress.println("run step 1/3: profiling " + ds.name() + " against " + m.name());
            profiles.add(io.transferadvisor.pipeline.Profiling.run(data, m, ProbeOptions.defaults(ds.seed(), cache).withTrials(!noTrials), progress));
        }
        progress.println("run step 2/3: recommending with the rules in " + Home.rules());
        Recommender recommender = new Recommender(RuleBase.load(Home.rules()));
        Recommender.Request req = new Recommender.Request(datasetFile.toAbsolutePath().normalize().toString(), ds.budget().minutes(),
                ds.budget().maxEpochs(), ds.seed(), shas, Map.of("command", "run"));
        Recommender.Recommendation rec = recommender.recommend(profiles, req);
        Plan plan = run.overrides().apply(rec.plan());
        progress.println("plan: " + plan.strategy() + (plan.cutoffLayer() == null ? "" : " at " + plan.cutoffLayer())
                + (plan.overrides().isEmpty() ? "" : " (overridden: " + String.join("; ", plan.overrides()) + ")"));
        JsonNode profileJson;
        if (profiles.size() == 1) {
            profileJson = Json.json().readTree(ProfileIO.toJson(profiles.get(0)));
        } else {
            var arr = Json.json().createArrayNode();
            for (DatasetProfile p : profiles) {
                arr.add(Json.json().readTree(ProfileIO.toJson(p)));
            }
            profileJson = arr;
        }
        JsonNode auditJson = Json.json().readTree(AuditIO.toJson(rec.audit()));
        RunInputs in = new RunInputs(data, name -> {
            SourceModel m = models.get(name);
            return m != null ? m : ModelRegistry.resolve(new DatasetSpec.ModelRef(name, null, null));
        }, datasetFile.toAbsolutePath().normalize(), profileJson, auditJson);
        progress.println("run step 3/3: training (the last step: the ETA on each epoch line is the rest of the run, "
                + "an upper bound under early stopping)");
        RunResult r = Executor.run(plan, in, run.options(output), progress);
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

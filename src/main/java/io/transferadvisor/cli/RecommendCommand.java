package io.transferadvisor.cli;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.pipeline.Advisor;
import io.transferadvisor.probe.ProfileCheck;
import io.transferadvisor.rules.AuditText;
import io.transferadvisor.rules.PlanFiles;
import io.transferadvisor.rules.RecommendationFiles;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `advisor recommend DATASET.yaml`: profile (or read a profile), run the rules, write plan + audit. */
@Command(name = "recommend",
        mixinStandardHelpOptions = true,
        description = {
            "Recommend a transfer-learning plan for a dataset: profile it against the pretrained model(s) "
                + "(or read a saved profile), run the rule base (rules/), and write an editable plan.yaml with "
                + "PLAN.audit.json (why) and PLAN.profile.json (what was measured) beside it.",
            "Prints the plan in a few lines and the three main reasons; 'advisor explain PLAN.yaml' shows the full trace."},
        footer = {"",
            "Examples:",
            "  advisor recommend examples/default.yaml -o plan.yaml",
            "  advisor recommend examples/default.yaml --profile profile.json -o plan.yaml --force",
            "  advisor recommend examples/glyphs.yaml --models fmnist-cnn,zoo:lenet   # compare; the rules take the closest domain",
            "  advisor recommend examples/default.yaml -o plan.yaml --execute          # and train it"})
public final class RecommendCommand implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "DATASET.yaml", description = "The dataset description.")
    Path dataset;

    @Option(names = "--profile", paramLabel = "PROFILE.json",
            description = "Use saved profile(s) from 'advisor profile' instead of probing (repeat for several models).")
    List<Path> profiles = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "PLAN.yaml", defaultValue = "plan.yaml",
            description = "Plan file to write (default: ${DEFAULT-VALUE}); the audit and profile go beside it.")
    Path planFile;

    @Option(names = "--models", split = ",", paramLabel = "MODEL",
            description = "Pretrained models to compare (default: those in DATASET.yaml); the rules take the one whose overall similarity (the target read as closest to its source domain) is highest, or on a close call (within models.closeCall) the one whose own classifier is the more confident on the target, and say why in explain.")
    List<String> models = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "DIR", description = "Rule base folder (default: the installation's rules/).")
    Path rulesDir;

    @Option(names = "--force", description = "Overwrite existing plan / audit / profile files written by advisor (never other files), and the run directory with --execute.")
    boolean force;

    @Option(names = "--execute", description = "Then execute the plan (as 'advisor execute PLAN.yaml').")
    boolean execute;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory for --execute (default: runs/<dataset>-<strategy>-<time>).")
    Path runDir;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Feature cache folder for probing and --execute, and where the compiled rule base is kept between runs "
                    + "(default $ADVISOR_CACHE or ~/.cache/transfer-advisor).")
    Path cacheDir;


    @Override
    public Integer call() throws Exception {
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        long t0 = System.nanoTime();
        Path plan = planFile.toAbsolutePath().normalize();
        Path audit = PlanFiles.auditOf(plan);
        Path profileOut = PlanFiles.profileOf(plan);
        // plan + audit + profile(s) are one unit, written under a lock held for the whole command (see RecommendationFiles)
        try (RecommendationFiles files = RecommendationFiles.lock(plan)) {
            files.checkTargets(force, List.of(profileOut));
            return recommend(files, plan, audit, profileOut, out, err, t0);
        }
    }

    private Integer recommend(RecommendationFiles files, Path plan, Path audit, Path profileOut, PrintWriter out, PrintWriter err, long t0)
            throws Exception {
        Path rules = rulesDir != null ? rulesDir : Home.rules();
        // Compiling the rule base is the slowest step of a recommendation from a saved profile (~1-2 s cold):
        // start it now and read the spec and profiles meanwhile.
        CompletableFuture<RuleBase> loading = CompletableFuture.supplyAsync(() -> RuleBase.load(rules, cacheDir != null ? cacheDir : Home.cache()));
        DatasetSpec spec = SpecReader.read(dataset);

        List<DatasetProfile> measured = new ArrayList<>();
        Map<String, String> shas = new LinkedHashMap<>();
        Advisor advisor = new Advisor(Advisor.Settings.defaults().withRules(rules).withCache(cacheDir != null ? cacheDir : Home.cache())
                .withProgress(output.quiet() ? null : err));
        Advisor.Profiled profiled = null; // the loaded data, when this command profiled it (--execute then reuses it)
        if (!profiles.isEmpty()) {
            for (Path p : profiles) {
                measured.add(PlanFiles.readProfile(p));
            }
            if (!models.isEmpty()) {
                List<String> have = measured.stream().map(DatasetProfile::model).toList();
                if (!have.containsAll(models)) {
                    throw new CommandLine.ParameterException(commandSpec.commandLine(), "--models " + String.join(",", models)
                            + " but the --profile files are for " + String.join(",", have) + "; give one --profile per model");
                }
            }
            ProfileCheck.Result checked = ProfileCheck.check(spec, profiles, measured, models,
                    cacheDir != null ? cacheDir : Home.cache());
            checked.warnings().forEach(w -> err.println("warning: " + w));
            shas.putAll(checked.modelShas());
        } else {
            profiled = advisor.profile(spec, models);
            profiled.data().skippedSummary().ifPresent(w -> err.println("warning: " + w));
            measured.addAll(profiled.profiles());
            shas.putAll(profiled.modelShas());
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("rules", rules.toAbsolutePath().normalize().toString());
        options.put("models", String.join(",", measured.stream().map(DatasetProfile::model).toList()));
        options.put("profile", profiles.isEmpty() ? "measured" : "read from file");
        options.put("maxEpochs", String.valueOf(spec.budget().maxEpochs()));
        String datasetRef = relative(plan.getParent(), spec.file());
        Recommender.Request request = new Recommender.Request(datasetRef, spec.budget().minutes(), spec.budget().maxEpochs(), spec.seed(),
                shas, options);
        long tInputs = System.nanoTime();
        RuleBase ruleBase = rulesOf(loading);
        long tRules = System.nanoTime();
        Recommender.Recommendation rec = new Recommender(ruleBase).recommend(measured, request);
        long tRecommend = System.nanoTime();

        String primary = rec.plan().models().get(0);
        Map<Path, DatasetProfile> profileFiles = new LinkedHashMap<>();
        for (DatasetProfile p : measured) {
            profileFiles.put(p.model().equals(primary) ? profileOut : PlanFiles.profileOf(plan, p.model()), p);
        }
        files.checkTargets(force, List.copyOf(profileFiles.keySet()));
        files.write(rec.plan(), rec.audit(), profileFiles);
        if (output.verbose()) {
            long tWrite = System.nanoTime();
            err.printf(java.util.Locale.ROOT, "timing: inputs %.0f ms, waiting for the rules (%s) %.0f ms, rules + counterfactuals %.0f ms, "
                    + "writes %.0f ms (JVM uptime at start of command %d ms)%n", (tInputs - t0) / 1e6,
                    ruleBase.readBack() ? "read back compiled" : "compiled", (tRules - tInputs) / 1e6,
                    (tRecommend - tRules) / 1e6, (tWrite - tRecommend) / 1e6,
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - (tWrite - t0) / 1_000_000);
        }
        if (output.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("plan", rec.plan());
            json.put("reasons", rec.audit().reasons());
            json.put("counterfactuals", rec.audit().counterfactuals());
            json.put("notes", rec.audit().notes());
            json.put("files", List.of(plan.toString(), audit.toString(), profileOut.toString()));
            out.println(Json.json().valueToTree(json).toPrettyString());
        } else if (output.quiet()) {
            out.println(plan);
        } else {
            out.println("plan: " + Recommender.signature(rec.plan()));
            AuditText.plan(rec.plan()).forEach(l -> out.println("  " + l));
            out.println("why:");
            for (int i = 0; i < rec.audit().reasons().size(); i++) {
                out.println("  " + (i + 1) + ". " + rec.audit().reasons().get(i));
            }
            if (!rec.audit().counterfactuals().isEmpty()) {
                out.println("would change: " + rec.audit().counterfactuals().get(0).text());
            }
            // advice that does not change the plan (a close call between models, label overlap, geometry): explain has it too
            rec.audit().notes().forEach(n -> out.println("note: " + n));
            out.println("wrote " + plan + " (+ " + audit.getFileName() + ", " + profileOut.getFileName() + ")");
            out.println("next: advisor explain " + planFile + "   |   advisor run " + planFile);
        }
        out.flush();
        files.close(); // the plan is complete: release it before the (long) --execute
        if (execute) {
            PrintWriter progress = output.quiet() ? new PrintWriter(java.io.Writer.nullWriter()) : err;
            ExecuteOptions opts = ExecuteOptions.defaults().withOutput(runDir).withForce(force).withCacheDir(cacheDir);
            // profiled here: train on the data already loaded; from --profile files: load it as 'advisor execute PLAN' would
            RunResult r = profiled != null
                    ? advisor.execute(rec.plan(), rec, profiled, opts)
                    : Executor.execute(rec.plan(), plan, opts, progress);
            ExecuteCommand.printResult(out, output, r);
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** The loaded rule base, with a load failure rethrown as itself (RulesException -> exit 5). */
    static RuleBase rulesOf(CompletableFuture<RuleBase> loading) {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    static String relative(Path from, Path to) {
        try {
            return from.toAbsolutePath().normalize().relativize(to.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return to.toAbsolutePath().normalize().toString();
        }
    }
}

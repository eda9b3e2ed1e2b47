package io.transferadvisor.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.Predictor;
import io.transferadvisor.execute.RunInputs;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.ProfileCheck;
import io.transferadvisor.probe.ProfileIO;
import io.transferadvisor.rules.AuditIO;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library API: what `advisor run` does, one step per call, for a Java program.
 * <pre>
 * Advisor advisor = new Advisor(Advisor.Settings.defaults());
 * Advisor.Profiled data = advisor.profile(Path.of("dataset.yaml"));   // probe
 * Recommender.Recommendation rec = advisor.recommend(data);          // plan + audit from the rules
 * RunResult run = advisor.execute(rec, data, ExecuteOptions.defaults()); // train, evaluate, report
 * </pre>
 * The CLI's run and recommend commands are argument parsing around these calls. Errors are the
 * tool's typed exceptions (DatasetException, ModelException, RulesException, TrainingException...),
 * each with a one-line message.
 */
public final class Advisor {
    static {
        // Java API users get the same libnd4j build as the CLI, if ND4J is not loaded yet (NativeBuild)
        io.transferadvisor.model.NativeBuild.select(false);
    }

    /**
     * Where the advisor finds its rules and caches features, and where progress goes.
     *
     * @param rules    rule folder (default: the installation's rules/)
     * @param cache    feature cache folder (default: $ADVISOR_CACHE or ~/.cache/transfer-advisor)
     * @param progress progress lines (null: none)
     * @param remote   what computes the features the cache lacks (null: this JVM; a Spark cluster with --spark)
     */
    public record Settings(Path rules, Path cache, PrintWriter progress, io.transferadvisor.features.RemoteFeaturizer remote) {
        public static Settings defaults() {
            return new Settings(Home.rules(), Home.cache(), null, null);
        }

        public Settings withRules(Path dir) {
            return new Settings(dir, cache, progress, remote);
        }

        public Settings withCache(Path dir) {
            return new Settings(rules, dir, progress, remote);
        }

        public Settings withProgress(PrintWriter out) {
            return new Settings(rules, cache, out, remote);
        }

        /** Progress to a console stream (System.err), in the platform's console encoding. */
        public Settings withProgress(java.io.PrintStream out) {
            return withProgress(new PrintWriter(new java.io.OutputStreamWriter(out, java.nio.charset.Charset.defaultCharset()), true));
        }

        public Settings withRemote(io.transferadvisor.features.RemoteFeaturizer r) {
            return new Settings(rules, cache, progress, r);
        }
    }

    /**
     * A dataset loaded once and profiled against each of its models.
     *
     * @param datasetFile the dataset.yaml (absolute)
     * @param spec        the parsed spec
     * @param data        the loaded, split images
     * @param models      each model by its name and by the name dataset.yaml gave it
     * @param profiles    one profile per model, in the spec's order
     * @param modelShas   each model's weights SHA-256 (or "unknown (why)"), for the audit
     */
    public record Profiled(Path datasetFile, DatasetSpec spec, LoadedDataset data, Map<String, SourceModel> models,
                           List<DatasetProfile> profiles, Map<String, String> modelShas) {}

    private final Settings settings;
    private RuleBase rules;

    public Advisor(Settings settings) {
        this.settings = settings;
    }

    private PrintWriter progress() {
        return settings.progress() != null ? settings.progress() : new PrintWriter(Writer.nullWriter());
    }

    /** Loads the dataset and profiles it against the models dataset.yaml names. */
    public Profiled profile(Path datasetFile) {
        return profile(datasetFile, List.of());
    }

    /** Loads the dataset and profiles it against these models (empty: the ones dataset.yaml names). */
    public Profiled profile(Path datasetFile, List<String> modelNames) {
        return profile(SpecReader.read(datasetFile), modelNames);
    }

    /** Loads an already read dataset.yaml and profiles it against these models (empty: the ones it names). */
    public Profiled profile(DatasetSpec spec, List<String> modelNames) {
        LoadedDataset data = DatasetLoader.load(spec); // unreadable files it skipped: data.skippedSummary()
        List<DatasetSpec.ModelRef> refs = new ArrayList<>();
        if (modelNames.isEmpty()) {
            refs.addAll(spec.models());
        } else {
            for (String m : new java.util.LinkedHashSet<>(modelNames)) {
                refs.add(spec.modelRef(m)); // a dataset.yaml entry keeps its weights and preprocessing
            }
        }
        Map<String, SourceModel> models = new LinkedHashMap<>();
        List<DatasetProfile> profiles = new ArrayList<>();
        Map<String, String> shas = new LinkedHashMap<>();
        for (DatasetSpec.ModelRef ref : refs) {
            SourceModel m = ModelRegistry.resolve(ref);
            models.put(m.name(), m);
            models.put(ref.display(), m);
            profiles.add(Profiling.run(data, m, ProbeOptions.defaults(spec.seed(), settings.cache()).withRemote(settings.remote()), settings.progress()));
            shas.put(m.name(), ProfileCheck.shaOf(m));
        }
        return new Profiled(spec.file().toAbsolutePath().normalize(), spec, data, Map.copyOf(models), List.copyOf(profiles), Map.copyOf(shas));
    }

    /** The rules' plan and audit for a profiled dataset (the dataset is recorded by its absolute path). */
    public Recommender.Recommendation recommend(Profiled p) {
        return recommend(p, p.datasetFile().toString(), Map.of("command", "library"));
    }

    /**
     * The rules' plan and audit.
     *
     * @param datasetRef how the plan names the dataset (recommend writes it relative to the plan file)
     * @param options    recorded in the audit's inputs (which command, which rules ...)
     */
    public Recommender.Recommendation recommend(Profiled p, String datasetRef, Map<String, String> options) {
        DatasetSpec.Budget b = p.spec().budget();
        Recommender.Request req = new Recommender.Request(datasetRef, b.minutes(), b.maxEpochs(), p.spec().seed(), p.modelShas(), options);
        return new Recommender(rules()).recommend(p.profiles(), req);
    }

    /** The loaded rule base (compiled once per Advisor). */
    public synchronized RuleBase rules() {
        if (rules == null) {
            rules = RuleBase.load(settings.rules(), settings.cache());
        }
        return rules;
    }

    /** Trains the recommended plan on the already loaded data. */
    public RunResult execute(Recommender.Recommendation rec, Profiled p, ExecuteOptions options) {
        return execute(rec.plan(), rec, p, options);
    }

    /**
     * Trains a plan (the recommended one, or one edited from it) on the already loaded data; the run
     * folder records the profiles and the audit beside it.
     */
    public RunResult execute(Plan plan, Recommender.Recommendation rec, Profiled p, ExecuteOptions options) {
        JsonNode profileJson;
        try {
            if (p.profiles().size() == 1) {
                profileJson = Json.json().readTree(ProfileIO.toJson(p.profiles().get(0)));
            } else {
                var arr = Json.json().createArrayNode();
                for (DatasetProfile x : p.profiles()) {
                    arr.add(Json.json().readTree(ProfileIO.toJson(x)));
                }
                profileJson = arr;
            }
            JsonNode auditJson = rec == null ? null : Json.json().readTree(AuditIO.toJson(rec.audit()));
            RunInputs in = new RunInputs(p.data(), name -> {
                SourceModel m = p.models().get(name);
                return m != null ? m : ModelRegistry.resolve(new DatasetSpec.ModelRef(name, null, null));
            }, p.datasetFile(), profileJson, auditJson);
            return Executor.run(plan, in, options, progress());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("profile or audit not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /** profile, recommend and execute in one call. */
    public RunResult run(Path datasetFile, ExecuteOptions options) {
        Profiled p = profile(datasetFile);
        Recommender.Recommendation rec = recommend(p);
        return execute(rec, p, options);
    }

    /** Classifies images with a finished run's model (the top k classes of each). */
    public List<Predictor.Prediction> predict(Path runDir, List<Path> images, int topK) {
        return new Predictor(runDir).predict(Predictor.expand(images), topK);
    }
}

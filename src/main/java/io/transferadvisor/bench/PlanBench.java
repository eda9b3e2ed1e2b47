package io.transferadvisor.bench;

import io.transferadvisor.bench.PlanResults.TaskResult;
import io.transferadvisor.bench.PlanResults.Trial;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.pipeline.Advisor;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanOverrides;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.Audit;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Home;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The plan benchmark: for one task, profile it, take the rules' recommendation, then execute every
 * strategy with the same seed, hyperparameters and epoch cap, and score all of them on the task's
 * test set. The oracle is the best of them; the regret is what the recommendation left on the table.
 */
public final class PlanBench {
    /**
     * @param maxEpochs   epoch cap of every trial (the plan's own cap if lower)
     * @param runMinutes  wall-clock budget of every trial (the plan's own if lower)
     * @param runsDir     folder for the run directories
     * @param cacheDir    feature cache (shared with the probe)
     */
    public record Settings(int maxEpochs, double runMinutes, Path runsDir, Path cacheDir) {
        public Settings {
            if (maxEpochs < 1) {
                throw new IllegalArgumentException("maxEpochs " + maxEpochs + " must be >= 1");
            }
            if (!(runMinutes > 0)) {
                throw new IllegalArgumentException("runMinutes " + runMinutes + " must be > 0");
            }
            Objects.requireNonNull(runsDir, "runsDir");
        }
    }

    private final Advisor advisor;
    private final Settings settings;

    /** @param advisor profiles, recommends and executes (its cache should be {@code settings.cacheDir()}) */
    public PlanBench(Advisor advisor, Settings settings) {
        this.advisor = advisor;
        this.settings = settings;
    }

    /** Runs one task (its first model) end to end. */
    public TaskResult run(String name, Path datasetFile, PrintWriter log) {
        DatasetSpec spec = SpecReader.read(datasetFile);
        DatasetSpec.ModelRef first = spec.models().get(0);
        log.println("[" + name + "] profiling " + spec.name() + " against " + first.display());
        log.flush();
        Advisor.Profiled profiled = advisor.profile(spec.withModels(List.of(first)), List.of());
        LoadedDataset data = profiled.data();
        SourceModel model = profiled.models().get(first.display());
        DatasetProfile profile = profiled.profiles().get(0);
        Recommender.Recommendation rec = advisor.recommend(profiled, datasetFile.toAbsolutePath().normalize().toString(),
                Map.of("command", "bench plans"));
        Plan recommended = capped(rec.plan());
        log.println("[" + name + "] recommended " + label(recommended) + "; " + facts(profile, rec.audit()));
        log.flush();

        Map<String, Plan> plans = new LinkedHashMap<>();
        plans.put(key(recommended), recommended);
        for (Plan p : candidates(recommended, profile, model.profile().candidateCuts())) {
            plans.putIfAbsent(key(p), p);
        }
        List<Trial> trials = new ArrayList<>();
        int i = 0;
        for (Plan p : plans.values()) {
            i++;
            Path dir = settings.runsDir().resolve(name + "-" + i + "-" + p.strategy().name().toLowerCase(Locale.ROOT));
            long t0 = System.nanoTime();
            RunResult r = advisor.execute(p, key(p).equals(key(recommended)) ? rec : null, profiled,
                    ExecuteOptions.defaults().withOutput(dir).withForce(true).withCacheDir(settings.cacheDir()));
            double secs = (System.nanoTime() - t0) / 1e9;
            Trial t = new Trial(p.strategy(), p.cutoffLayer(), p.growBlocks(), r.metrics().test().accuracy(), r.metrics().epochsRun(), secs,
                    key(p).equals(key(recommended)));
            trials.add(t);
            log.printf(Locale.ROOT, "[%s] %d/%d %-28s test %.4f  %2d epochs  %6.1f s%s%n", name, i, plans.size(), t.label(), t.testAccuracy(),
                    t.epochs(), secs, t.recommended() ? "  (recommended)" : "");
            log.flush();
        }
        return new TaskResult(name, facts(profile, rec.audit()), cell(rec.audit()), data.test().size(), trials);
    }

    /** The recommended plan under the bench's epoch and time caps (the same caps every trial gets). */
    Plan capped(Plan p) {
        Hyperparameters h = p.hyperparameters();
        int epochs = Math.min(h.maxEpochs(), settings.maxEpochs());
        return p.withHyperparameters(h.withMaxEpochs(epochs)).withBudgetMinutes(Math.min(p.budgetMinutes(), settings.runMinutes()));
    }

    /**
     * Every strategy, built from the recommended plan (same head, seed, learning rates, caps):
     * LINEAR_FROZEN at the recommended cut if it is linear, else at the best probed layer;
     * LINEAR_EARLIER and TRUNCATE_GROW (+1 block) at the second candidate cut; FINETUNE_ABOVE at the
     * second-from-top and the second candidate cuts; FINETUNE_ALL; FROM_SCRATCH; AUTOENCODER_TRANSFER
     * only when the task has unlabelled images. A backbone rate of 0 becomes head/10 (PlanOverrides).
     */
    static List<Plan> candidates(Plan rec, DatasetProfile profile, List<String> cuts) {
        String best = profile.layers().stream().max(java.util.Comparator.comparingDouble(l -> l.probeAccuracy().value()))
                .map(DatasetProfile.LayerProbe::layer).orElse(cuts.get(cuts.size() - 1));
        boolean recLinear = rec.strategy() == Strategy.LINEAR_FROZEN || rec.strategy() == Strategy.LINEAR_EARLIER;
        String early = cuts.size() > 2 ? cuts.get(1) : cuts.get(0);
        String high = cuts.size() > 1 ? cuts.get(cuts.size() - 2) : cuts.get(0);
        List<Plan> out = new ArrayList<>();
        out.add(with(rec, Strategy.LINEAR_FROZEN, recLinear ? rec.cutoffLayer() : best, 0));
        out.add(with(rec, Strategy.LINEAR_EARLIER, early, 0));
        out.add(with(rec, Strategy.TRUNCATE_GROW, early, 1));
        out.add(with(rec, Strategy.FINETUNE_ABOVE, high, 0));
        out.add(with(rec, Strategy.FINETUNE_ABOVE, early, 0));
        out.add(with(rec, Strategy.FINETUNE_ALL, null, 0));
        out.add(with(rec, Strategy.FROM_SCRATCH, null, 0));
        if (profile.unlabelledImages() > 0) {
            out.add(with(rec, Strategy.AUTOENCODER_TRANSFER, null, 0));
        }
        return out;
    }

    static Plan with(Plan rec, Strategy s, String cut, int grow) {
        return PlanOverrides.withBackboneRate(rec.withShape(s, cut, grow).withEnsembleMembers(List.of()).withCollectMore(null)
                .withOverrides(List.of("bench: " + s + (cut == null ? "" : " " + cut))));
    }

    /** Two plans are the same trial when strategy, cutoff, grow blocks and head agree. */
    static String key(Plan p) {
        return p.strategy() + "|" + p.cutoffLayer() + "|" + p.growBlocks() + "|" + p.head();
    }

    static String label(Plan p) {
        return p.strategy() + (p.cutoffLayer() == null ? "" : " " + p.cutoffLayer()) + (p.growBlocks() > 0 ? " +" + p.growBlocks() : "")
                + " (" + p.head() + ")";
    }

    static String facts(DatasetProfile p, Audit audit) {
        var s = p.size();
        String size = derived(audit, "SizeClass");
        String sim = derived(audit, "SimilarityClass");
        return String.format(Locale.ROOT, "%d/class x%d, sim %.2f%s%s", (int) s.trainPerClass(), s.classes(),
                p.similarity(), p.unlabelledImages() > 0 ? ", " + p.unlabelledImages() + " unlabelled" : "",
                size == null && sim == null ? "" : ", " + size + "/" + sim);
    }

    /** The level of a derived fact (SizeClass, SimilarityClass) in the first model's trace, or null. */
    public static String derived(Audit audit, String type) {
        if (audit.traces().isEmpty()) {
            return null;
        }
        for (Audit.FactView f : audit.traces().get(0).derived()) {
            if (f.type().equals(type) && f.values().get("level") != null) {
                return String.valueOf(f.values().get("level"));
            }
        }
        return null;
    }

    /** The rules that proposed a strategy (matrix cell, then any guard that outranked it). */
    static String cell(Audit audit) {
        List<String> ids = new ArrayList<>();
        if (!audit.traces().isEmpty()) {
            for (Audit.Firing f : audit.traces().get(0).firings()) {
                boolean proposes = f.inserted().stream().anyMatch(v -> v.type().equals("Proposal"));
                if (proposes || f.rule().startsWith("matrix-")) {
                    ids.add(f.rule());
                }
            }
        }
        return ids.isEmpty() ? "?" : String.join(" > ", ids);
    }

    /**
     * Every task in turn, the report rewritten after each one (a stopped bench still leaves the tasks it
     * finished); runs and generated tasks stay in a temporary folder, printed first.
     *
     * @param file where the report goes
     * @param out  the -o the user gave (recorded in the report's command line), or null
     */
    public static List<PlanResults.TaskResult> runTasks(List<String> names, int maxEpochs, double runMinutes, Path cache, Path file, Path out,
                                                        PrintWriter w) throws java.io.IOException {
        Path work = Files.createTempDirectory("bench-plans");
        w.println("runs and generated tasks in " + work);
        Path cacheDir = cache != null ? cache : Home.cache();
        Advisor advisor = new Advisor(Advisor.Settings.defaults().withCache(cacheDir));
        String rulesHash = advisor.rules().hash();
        PlanBench bench = new PlanBench(advisor, new PlanBench.Settings(maxEpochs, runMinutes, work.resolve("runs"), cacheDir));
        long t0 = System.nanoTime();
        List<PlanResults.TaskResult> results = new ArrayList<>();
        for (String t : names) {
            Path yaml = BenchTasks.resolve(t, Home.dir(), work);
            results.add(bench.run(t, yaml, w));
            // written after every task, so a long bench that is stopped still leaves the tasks it finished
            AtomicFiles.writeString(file, document(names, results, (System.nanoTime() - t0) / 6e10, rulesHash, maxEpochs, runMinutes, out));
        }
        w.println(PlanResults.markdown(results));
        w.println("written to " + file);
        return results;
    }


    static String document(List<String> names, List<PlanResults.TaskResult> results, double minutes, String rulesHash, int maxEpochs,
                           double runMinutes, Path out) {
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

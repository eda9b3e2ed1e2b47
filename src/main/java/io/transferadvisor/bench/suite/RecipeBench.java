package io.transferadvisor.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.PlanBench;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.RunInputs;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.LrSchedule;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Home;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * `advisor bench recipe` (issue 13, the recipe part): the rules' own plan for each suite task, run
 * through the executor as the rules write it and under other training recipes (epoch cap, patience,
 * batch size), to measure what each does to training time and test accuracy. It reads the task
 * profiles `bench suite` recorded (no probing) and appends one line per executed plan to its results
 * file, so a killed run resumes; the key is the executed plan's hash, so changed rules run again.
 */
public final class RecipeBench {
    private RecipeBench() {}

    /**
     * @param split calibration, held-out or all (default calibration: what may set the rules)
     */
    public record Options(Path suiteFile, List<String> taskIds, String split, List<Long> seeds, List<String> variants, Path resultsFile,
                          boolean reportOnly, Path rulesDir, Path cache, Path out) {}

    public record Result(String markdown, Path report) {}

    /** One recipe: how the rules' hyperparameters change before the plan runs. */
    record Variant(String id, String about, BiFunction<Hyperparameters, SuiteSpec.Task, Hyperparameters> edit) {}

    static Hyperparameters schedule(Hyperparameters h, int epochs, int patience, int batch) {
        return h.withTraining(epochs, Math.max(1, Math.min(patience, epochs)), batch);
    }

    /** Length of the one-cycle recipes: about the epochs the rules' SMALL plans ran to early stopping (18.4, recipe-calibration.md). */
    static final int CYCLE_EPOCHS = 12;

    static final List<Variant> VARIANTS = List.of(
            new Variant("rules", "the plan exactly as the rules write it", (h, t) -> h),
            new Variant("half-patience", "patience halved (at least 2), the rest as the rules write it",
                    (h, t) -> schedule(h, h.maxEpochs(), Math.max(2, h.patience() / 2), h.batchSize())),
            new Variant("batch-x2", "batch size doubled, the rest as the rules write it",
                    (h, t) -> schedule(h, h.maxEpochs(), h.patience(), h.batchSize() * 2)),
            new Variant("suite-schedule", "the schedule every oracle trial of the suite ran: the task's epoch cap and patience 8",
                    (h, t) -> schedule(h, t.epochs(), 8, h.batchSize())),
            new Variant("warmup", "the rates climb linearly to the plan's over the first 2 epochs, the rest as the rules write it",
                    (h, t) -> h.withLearningRateSchedule(new LrSchedule(LrSchedule.Kind.WARMUP, 2, 1.0))),
            new Variant("one-cycle", "one cycle of " + CYCLE_EPOCHS + " epochs up to the plan's rates (x0.1 to x1, down to x0.01),"
                    + " run in full (epoch cap and patience " + CYCLE_EPOCHS + ", best epoch kept)",
                    (h, t) -> schedule(h, CYCLE_EPOCHS, CYCLE_EPOCHS, h.batchSize())
                            .withLearningRateSchedule(new LrSchedule(LrSchedule.Kind.ONE_CYCLE, CYCLE_EPOCHS, 1.0))),
            new Variant("one-cycle-x3", "the same cycle up to three times the plan's rates (x0.3 to x3, down to x0.03)",
                    (h, t) -> schedule(h, CYCLE_EPOCHS, CYCLE_EPOCHS, h.batchSize())
                            .withLearningRateSchedule(new LrSchedule(LrSchedule.Kind.ONE_CYCLE, CYCLE_EPOCHS, 3.0))));

    /** One executed plan. */
    public record Row(String kind, String task, long seed, String taskHash, String variant, String planHash, String strategy, String cut,
                      String sizeClass, int batch, int maxEpochs, int patience, int epochsRun, int bestEpoch, double trainSeconds,
                      double testAccuracy, int testImages) {
        /** The same record reported under another recipe's name (an edit that wrote the very plan another recipe measured). */
        Row withVariant(String v) {
            return new Row(kind, task, seed, taskHash, v, planHash, strategy, cut, sizeClass, batch, maxEpochs, patience, epochsRun, bestEpoch,
                    trainSeconds, testAccuracy, testImages);
        }
    }

    /** One JSON object per line, as the suite's own results file. */
    private static final ObjectMapper LINE = SuiteResults.LINE;

    public static Result run(Options o, PrintWriter w) throws Exception {
        Path file = o.suiteFile() != null ? o.suiteFile() : Home.dir().resolve("examples/suite.yaml");
        SuiteSpec suite = SuiteSpec.read(file);
        String split = o.split() == null ? "calibration" : o.split();
        if (!List.of("calibration", "held-out", "all").contains(split)) {
            throw new io.transferadvisor.UsageException("--split " + split + ": use calibration, held-out or all");
        }
        suite.requireTasks(o.taskIds(), file);
        List<Variant> variants = new ArrayList<>();
        List<String> variantIds = VARIANTS.stream().map(Variant::id).toList();
        for (String v : o.variants() == null ? variantIds : o.variants()) {
            Variant found = VARIANTS.stream().filter(x -> x.id().equals(v)).findFirst().orElseThrow(() -> new io.transferadvisor.UsageException(
                    "--variants " + v + ": not a recipe; known: " + String.join(", ", variantIds)));
            variants.add(found);
        }
        if (!variants.get(0).id().equals("rules")) {
            variants.add(0, VARIANTS.get(0)); // every comparison is against the rules' own plan
        }
        List<Long> seeds = o.seeds() != null ? o.seeds() : suite.seeds();
        suite.requireSeeds(seeds, false);
        List<SuiteSpec.Task> tasks = new ArrayList<>();
        for (SuiteSpec.Task t : suite.tasks()) {
            String tsplit = suite.families().get(t.family()).split();
            if ((o.taskIds() == null || o.taskIds().contains(t.id())) && (split.equals("all") || split.equals(tsplit))) {
                tasks.add(t);
            }
        }
        Path results = o.resultsFile() != null ? o.resultsFile() : Home.dir().resolve("docs/benchmarks/recipe-results.jsonl");
        Map<String, Row> done = read(results);
        SuiteResults store = SuiteResults.open(Home.dir().resolve("docs/benchmarks/suite-results.jsonl"));
        RuleBase rules = RuleBase.load(o.rulesDir() != null ? o.rulesDir() : Home.rules());
        Recommender recommender = new Recommender(rules);
        SourceModel model = ModelRegistry.resolve(new DatasetSpec.ModelRef(suite.model(), null, null));
        Path cacheDir = o.cache() != null ? o.cache() : Home.cache();
        Path work = o.reportOnly() ? null : Files.createTempDirectory("bench-recipe");
        w.println("recipe: " + tasks.size() + " tasks x " + seeds.size() + " seeds x " + variants.size() + " recipes; results " + results);
        w.flush();
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        int runIndex = 0;
        try {
            for (SuiteSpec.Task task : tasks) {
                String hash = SuiteTasks.identity(suite, task);
                for (long seed : seeds) {
                    var tr = store.task(task.id(), seed, hash).orElseThrow(() -> new io.transferadvisor.UsageException(
                            "no recorded probe of " + task.id() + " at seed " + seed + "; run 'advisor bench suite --tasks " + task.id() + "' first"));
                    DatasetProfile p = tr.profile();
                    var rec = recommender.recommend(List.of(p), new Recommender.Request(p.dataset(), 10, 30, seed, Map.of(), Map.of("command", "bench recipe")));
                    String size = PlanBench.derived(rec.audit(), "SizeClass");
                    Plan base = rec.plan().withDataset(file.toString());
                    LoadedDataset data = null;
                    // the order rotates from run to run, so no recipe always pays the JVM's warm-up or runs on a cold cache
                    List<Variant> order = new ArrayList<>(variants);
                    java.util.Collections.rotate(order, -(runIndex++ % order.size()));
                    for (Variant v : order) {
                        Plan plan = withRecipe(base, v, task);
                        String planHash = Hashing.sha256(LINE.writeValueAsString(plan.withOverrides(List.of()))).substring(0, 16);
                        String id = task.id() + "|" + seed + "|" + hash + "|" + planHash;
                        Row row = done.get(id);
                        if (row == null && !o.reportOnly()) {
                            if (data == null) {
                                data = SuiteTasks.build(suite, task, seed, file);
                            }
                            row = execute(plan, v, task, seed, hash, planHash, size, data, model, file, work, cacheDir);
                            append(results, row);
                            done.put(id, row);
                            w.printf(Locale.ROOT, "[%s s%d] %-15s %s%s  batch %d, %d epochs max, patience %d: %d epochs (%s), train %.1f s, test %.4f%n",
                                    task.id(), seed, v.id(), plan.strategy(), plan.cutoffLayer() == null ? "" : " at " + plan.cutoffLayer(), row.batch(),
                                    row.maxEpochs(), row.patience(), row.epochsRun(),
                                    plan.ensembleMembers().isEmpty() ? "best " + row.bestEpoch() : plan.ensembleMembers().size() + " members' summed",
                                    row.trainSeconds(), row.testAccuracy());
                            w.flush();
                        }
                        if (row != null) {
                            rows.add(row.withVariant(v.id()));
                        }
                    }
                }
            }
        } finally {
            if (work != null) {
                io.transferadvisor.util.Trees.deleteTree(work);
            }
        }
        double minutes = (System.nanoTime() - t0) / 60e9;
        String cmd = "advisor bench recipe --split " + split + (o.taskIds() != null ? " --tasks " + String.join(",", o.taskIds()) : "")
                + (o.seeds() != null ? " --seeds " + String.join(",", seeds.stream().map(String::valueOf).toList()) : "")
                + (o.variants() != null ? " --variants " + String.join(",", o.variants()) : "") + (o.reportOnly() ? " --report-only" : "");
        String md = report(cmd, minutes, variants, rows, rules.hash());
        Path report = o.out() != null ? o.out() : Home.dir().resolve("docs/benchmarks/recipe-" + split + ".md");
        return new Result(md, report);
    }

    /**
     * The plan under recipe {@code v}: its hyperparameters edited, and an ENSEMBLE's members' too (each member trains with its own
     * hyperparameters; the ensemble's own copy is not used), as `advisor execute --epochs / --lr` reach every member.
     */
    static Plan withRecipe(Plan base, Variant v, SuiteSpec.Task task) {
        Plan plan = base.withHyperparameters(v.edit().apply(base.hyperparameters(), task));
        if (base.ensembleMembers().isEmpty()) {
            return plan;
        }
        return plan.withEnsembleMembers(base.ensembleMembers().stream().map(m -> withRecipe(m, v, task)).toList());
    }

    private static Row execute(Plan plan, Variant v, SuiteSpec.Task task, long seed, String hash, String planHash, String size, LoadedDataset data,
                               SourceModel model, Path suiteFile, Path work, Path cacheDir) {
        RunInputs in = new RunInputs(data, name -> model, suiteFile.toAbsolutePath().normalize(), null, null);
        Path dir = work.resolve(task.id() + "-s" + seed + "-" + v.id());
        // no checkpoints, as in the suite's oracle trials: their writes are not what a recipe changes
        RunResult r = Executor.run(plan, in, ExecuteOptions.defaults().withOutput(dir).withForce(true).withCacheDir(cacheDir).withCheckpoints(false),
                new PrintWriter(Writer.nullWriter()));
        var m = r.metrics();
        double train = m.phases().getOrDefault("train", 0.0);
        int epochs = m.epochsRun();
        int best = m.bestEpoch();
        if (m.members() != null && !m.members().isEmpty()) {
            // an ENSEMBLE trains nothing itself: its members train one after the other, each with its own metrics.json
            MemberTraining summed = memberTraining(dir, m.members());
            train = summed.trainSeconds();
            epochs = summed.epochsRun();
            best = 0;
        }
        io.transferadvisor.util.Trees.deleteTree(dir);
        Hyperparameters h = plan.hyperparameters();
        return new Row("recipe", task.id(), seed, hash, v.id(), planHash, plan.strategy().name(), plan.cutoffLayer(), size, h.batchSize(),
                h.maxEpochs(), h.patience(), epochs, best, train, m.test().accuracy(), m.test().images());
    }

    /** An ENSEMBLE run's members' train phases and epochs run, summed. */
    record MemberTraining(double trainSeconds, int epochsRun) {}

    /** The train seconds and epochs of an ENSEMBLE run's members, summed from each member's metrics.json in {@code dir}. */
    static MemberTraining memberTraining(Path dir, List<io.transferadvisor.report.RunMetrics.Member> members) {
        double train = 0;
        int epochs = 0;
        for (var member : members) {
            Path f = dir.resolve(member.folder()).resolve(io.transferadvisor.execute.RunFolder.METRICS);
            try {
                var node = io.transferadvisor.util.Json.json().readTree(f.toFile());
                train += node.path("phases").path("train").asDouble(0);
                epochs += node.path("epochsRun").asInt(0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read the ensemble member's " + f, e);
            }
        }
        return new MemberTraining(train, epochs);
    }

    static Map<String, Row> read(Path file) throws IOException {
        Map<String, Row> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Row r = LINE.readValue(line, Row.class);
                out.put(r.task() + "|" + r.seed() + "|" + r.taskHash() + "|" + r.planHash(), r);
            } catch (IOException e) {
                // a line cut by a kill is the last one: skip it (its plan runs again); elsewhere it is damage
                if (n < lines.size()) {
                    throw new IOException(file + " line " + n + ": not a recipe record (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
        }
        return out;
    }

    private static void append(Path file, Row r) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, LINE.writeValueAsString(r) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
    }

    /** Per size class and overall: each recipe against the rules' plan on the same task and seed. */
    static String report(String cmd, double minutes, List<Variant> variants, List<Row> rows, String rulesHash) {
        StringBuilder md = new StringBuilder(BenchReport.header("training recipes: time and accuracy against the rules' own plan (issue 13)", cmd,
                "this command " + String.format(Locale.ROOT, "%.1f", minutes) + " min; rules hash " + rulesHash.substring(0, Math.min(12, rulesHash.length()))));
        md.append("Each task of examples/suite.yaml at each seed: the rules' plan from the probe `bench suite` recorded, executed as the rules write it ")
                .append("and under each recipe below (only the epoch schedule, the batch or the learning-rate schedule changes; strategy, cut, base rates, batch-norm policy and augmentation ")
                .append("stay). ")
                .append("Train seconds are the executor's `train` phase (the frozen features are computed once per run and are the same work in every ")
                .append("recipe; an ENSEMBLE's are its members' train phases summed, and its epochs run their epochs summed), without checkpoints, as the suite's oracle trials ran. Differences are paired by task and seed; intervals are 95% ")
                .append("bootstrap intervals over the runs. The rows are appended to the results file by `advisor bench recipe` as each plan finishes ")
                .append("and keyed by the executed plan's hash; `--report-only` rebuilds these tables from them for the current rules' plans (rules ")
                .append("that write other plans find no rows until those plans are measured). A recipe added later is timed in a later session ")
                .append("than the rows it is compared with, so its train seconds also carry the machine's day-to-day variation; the epochs run and ")
                .append("the accuracies compare like with like (a plan trains to the same accuracy in every session).\n\n");
        md.append("| recipe | what changes |\n|---|---|\n");
        for (Variant v : variants) {
            md.append("| ").append(v.id()).append(" | ").append(v.about()).append(" |\n");
        }
        Map<String, Map<String, Row>> byRun = new LinkedHashMap<>();
        for (Row r : rows) {
            byRun.computeIfAbsent(r.task() + "|" + r.seed(), k -> new LinkedHashMap<>()).put(r.variant(), r);
        }
        List<String> sizes = new ArrayList<>();
        byRun.values().forEach(m -> {
            Row r = m.get("rules");
            if (r != null && !sizes.contains(r.sizeClass())) {
                sizes.add(r.sizeClass());
            }
        });
        sizes.add("all");
        for (String size : sizes) {
            List<Map<String, Row>> runs = byRun.values().stream().filter(m -> m.containsKey("rules")
                    && (size.equals("all") || size.equals(m.get("rules").sizeClass()))).toList();
            md.append("\n## ").append(size.equals("all") ? "All runs" : "Size class " + size).append("\n\n").append(runs.size())
                    .append(" runs (task x seed)").append(size.equals("all") ? "" : " whose rules' plan saw " + size + " data").append(".\n\n");
            md.append("| recipe | runs | mean epochs run | train seconds, total | time vs rules | test accuracy, mean | vs rules (pts) | 95% interval | worst run (pts) |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
            for (Variant v : variants) {
                List<Map<String, Row>> both = runs.stream().filter(m -> m.containsKey(v.id())).toList();
                if (both.isEmpty()) {
                    continue;
                }
                double[] diff = both.stream().mapToDouble(m -> 100 * (m.get(v.id()).testAccuracy() - m.get("rules").testAccuracy())).toArray();
                double secs = both.stream().mapToDouble(m -> m.get(v.id()).trainSeconds()).sum();
                double base = both.stream().mapToDouble(m -> m.get("rules").trainSeconds()).sum();
                double[] ci = SuiteAnalysis.bootstrap(diff, 2000, 7);
                md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2fx | %.4f | %+.2f | [%+.2f, %+.2f] | %+.2f |%n", v.id(), both.size(),
                        both.stream().mapToInt(m -> m.get(v.id()).epochsRun()).average().orElse(0), secs, secs / base,
                        both.stream().mapToDouble(m -> m.get(v.id()).testAccuracy()).average().orElse(0), SuiteAnalysis.mean(diff), ci[0], ci[1],
                        java.util.Arrays.stream(diff).min().orElse(0)));
            }
            if (runs.isEmpty()) {
                md.append("\n(no rules runs)\n");
            }
        }
        return md.toString();
    }
}

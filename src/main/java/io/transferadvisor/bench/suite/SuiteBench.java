package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Home;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.transferadvisor.bench.PlanBench;

/**
 * `advisor bench suite`: the advice-quality suite (issue 8). Per task and seed: probe, then every
 * oracle candidate; then the advisor against fixed policies on calibration and held-out tasks.
 */
public final class SuiteBench {
    /**
     * What to run (the command's options; null: the default).
     *
     * @param suiteFile   suite file (null: examples/suite.yaml under the home)
     * @param quick       only the suite's quick tasks and first seed
     * @param taskIds     only these tasks (null: all)
     * @param seeds       only these seeds (null: the suite's); seeds outside the suite's only with a results file of their own
     * @param resultsFile results, appended and resumed (null: docs/benchmarks/suite-results.jsonl, or a temporary file with quick)
     * @param reportOnly  train nothing, score what the results hold
     * @param rulesDir    rule folder to judge (null: the installation's)
     * @param cache       feature cache (null: the default)
     * @param out         Markdown report (null: docs/benchmarks/suite.md, none with quick)
     * @param modelTrials also make each run's short trial of every model (SuiteRunner#foldTrial) where the results lack it
     * @param decisions   also write each scored run's decision as JSON lines (null: none): for a sweep of the rules outside the report
     */
    public record Options(Path suiteFile, boolean quick, List<String> taskIds, List<Long> seeds, Path resultsFile, boolean reportOnly,
                          Path rulesDir, Path cache, Path out, boolean modelTrials, Path decisions) {
        /** Without a decisions file. */
        public Options(Path suiteFile, boolean quick, List<String> taskIds, List<Long> seeds, Path resultsFile, boolean reportOnly,
                       Path rulesDir, Path cache, Path out, boolean modelTrials) {
            this(suiteFile, quick, taskIds, seeds, resultsFile, reportOnly, rulesDir, cache, out, modelTrials, null);
        }

        /** Without the short trials. */
        public Options(Path suiteFile, boolean quick, List<String> taskIds, List<Long> seeds, Path resultsFile, boolean reportOnly,
                       Path rulesDir, Path cache, Path out) {
            this(suiteFile, quick, taskIds, seeds, resultsFile, reportOnly, rulesDir, cache, out, false, null);
        }
    }

    /** The report's Markdown and where it belongs (null: print only). */
    public record Result(String markdown, Path report) {}

    private final Path suiteFile;
    private final boolean quick;
    private final List<String> taskIds;
    private final List<Long> seeds;
    private final Path resultsFile;
    private final boolean reportOnly;
    private final Path rulesDir;
    private final Path cache;
    private final Path out;
    private final boolean modelTrials;
    private final Path decisionsFile;

    private SuiteBench(Options o) {
        decisionsFile = o.decisions();
        modelTrials = o.modelTrials();
        suiteFile = o.suiteFile();
        quick = o.quick();
        taskIds = o.taskIds();
        seeds = o.seeds();
        resultsFile = o.resultsFile();
        reportOnly = o.reportOnly();
        rulesDir = o.rulesDir();
        cache = o.cache();
        out = o.out();
    }

    /** Runs (or, with reportOnly, rescores) the suite; progress lines go to {@code w}. */
    public static Result run(Options o, PrintWriter w) throws Exception {
        return new SuiteBench(o).run(w);
    }

    private Result run(PrintWriter w) throws Exception {
        Path file = suiteFile != null ? suiteFile : Home.dir().resolve("examples/suite.yaml");
        SuiteSpec suite = SuiteSpec.read(file);
        List<SuiteSpec.Task> tasks = new ArrayList<>();
        for (SuiteSpec.Task t : suite.tasks()) {
            if ((taskIds == null || taskIds.contains(t.id())) && (!quick || suite.quick().contains(t.id()))) {
                tasks.add(t);
            }
        }
        suite.requireTasks(taskIds, file);
        List<Long> useSeeds = seeds != null ? seeds : quick ? List.of(suite.seeds().get(0)) : suite.seeds();
        // fresh seeds (not the suite's) only into a results file of their own, so the suite's records stay on its seeds
        suite.requireSeeds(useSeeds, resultsFile != null && !resultsFile.toAbsolutePath().normalize()
                .equals(Home.dir().resolve("docs/benchmarks/suite-results.jsonl").toAbsolutePath().normalize()));
        SuiteSpec run = suite.withSeeds(useSeeds);
        // a scratch folder only when something is trained or --quick keeps its results there
        Path work = !reportOnly || (quick && resultsFile == null) ? Files.createTempDirectory("bench-suite") : null;
        Path results = resultsFile != null ? resultsFile : quick ? work.resolve("results.jsonl") : Home.dir().resolve("docs/benchmarks/suite-results.jsonl");
        Path report = out != null ? out : quick ? null : Home.dir().resolve("docs/benchmarks/suite.md");
        SourceModel model = ModelRegistry.resolve(new DatasetSpec.ModelRef(suite.model(), null, null));
        List<String> cuts = model.profile().candidateCuts();
        SuiteResults store = SuiteResults.open(results);
        RuleBase rules = RuleBase.load(rulesDir != null ? rulesDir : Home.rules());
        Decisions decisions = new Decisions(new Recommender(rules), suite.model());
        SuiteRunner.Advisor advisorKey = profile -> decisions.of(profile).key();
        w.println("suite " + file + ": " + tasks.size() + " tasks x " + useSeeds.size() + " seeds; results " + results);
        w.flush();
        long t0 = System.nanoTime();
        // the other models (issue 9): each its own task hashes and records; no advised trial, the choice is scored from the oracles
        Map<String, SourceModel> others = new LinkedHashMap<>();
        for (String m : run.otherModels()) {
            others.put(m, ModelRegistry.resolve(new DatasetSpec.ModelRef(m, null, null)));
        }
        Path cacheDir = cache != null ? cache : Home.cache();
        Map<String, SuiteRunner> runners = new LinkedHashMap<>(); // each model's trials, made only when training
        if (!reportOnly) {
            runners.put(run.model(), new SuiteRunner(run, file, model, store, work.resolve("runs"), cacheDir, advisorKey, modelTrials));
            others.forEach((m, sm) -> runners.put(m, new SuiteRunner(run.withModel(m), file, sm, store, work.resolve("runs"), cacheDir, null, modelTrials)));
            for (SuiteSpec.Task t : tasks) {
                for (long seed : useSeeds) {
                    for (SuiteRunner r : runners.values()) {
                        r.run(t, seed, w);
                    }
                }
            }
        }
        // every model's analysis of what is recorded now; the ensembles add no trials, so this one reading serves them and the report
        Map<String, SuiteAnalysis> analyses = analyses(run, store, model, others, tasks);
        if (!reportOnly && !others.isEmpty()) {
            // then the ensembles (issue 9), once every model's search of a run is complete
            Map<String, SourceModel> all = new LinkedHashMap<>();
            all.put(run.model(), model);
            all.putAll(others);
            Map<String, SuiteEnsembles.Members> kinds = new LinkedHashMap<>();
            kinds.put("best", SuiteEnsembles.BEST);
            kinds.put("advised", SuiteModelChoice.primary(advisedMembers(decisions)));
            kinds.put("advised whole plans", advisedMembers(decisions));
            SuiteEnsembles.run(SuiteModelChoice.complete(analyses), kinds, runners, all, run, file, store, work.resolve("runs"), cacheDir, w);
        }
        SuiteAnalysis a = analyses.get(run.model());
        String md = document(file, results, suite, run, tasks, a, decisions, cuts, rules.hash(), (System.nanoTime() - t0) / 6e10, report);
        Map<String, List<String>> cutsByModel = new LinkedHashMap<>();
        cutsByModel.put(run.model(), cuts);
        others.forEach((m, sm) -> cutsByModel.put(m, sm.profile().candidateCuts()));
        java.util.function.Function<SuiteAnalysis.Run, String> sizeOf = r -> decisions.of(r.taskRun().profile()).cell().split(" x ")[0];
        Map<String, Integer> kinds = rulesEnsembleKinds(analyses, cutsByModel, sizeOf, decisions);
        md += "\n## A familiar domain: two plans instead of the ensemble\n\n" + SuiteFamiliar.markdown(analyses, cutsByModel, sizeOf,
                rules.thresholdOr("similarity.familiar", Double.NaN), kinds);
        // each run's model choice, made once (a rule evaluation with every model's profile per run) for the decisions file and the report
        List<SuiteModelChoice.Pair> pairs = decisionsFile != null || !others.isEmpty()
                ? SuiteModelChoice.pairs(analyses, store, decisions.recommender, advisedMembers(decisions)) : List.of();
        md += "\n## Which ensemble of one model's plans (every model)\n\n" + SuitePlanEnsembles.markdown(analyses, cutsByModel, sizeOf,
                rules.thresholdOr("similarity.familiar", Double.NaN), kinds, others.isEmpty() ? List.of() : pairs, plans(analyses, decisions, sizeOf));
        if (decisionsFile != null) {
            writeDecisions(decisionsFile, pairs, analyses, decisions);
        }
        if (!others.isEmpty()) {
            md += "\n## Model choice and ensembles (issue 9)\n\n" + SuiteModelChoice.markdown(pairs, run.allModels(),
                    rules.thresholdOr("ensemble.maxProbeGap", Double.NaN), rules.thresholdOr("models.similarityLead", Double.NaN));
        }
        return new Result(md, report);
    }

    /**
     * Each run every model has complete, one JSON line: the task, seed and split, the model the rules take ({@code pick},
     * "ENSEMBLE" for an ensemble of models), and per model its oracle (best trial), the rules' plan for it alone ({@code advisedKey})
     * and that plan's accuracy (null while it is not a recorded trial). Written whole or not at all.
     */
    private static void writeDecisions(Path file, List<SuiteModelChoice.Pair> pairs, Map<String, SuiteAnalysis> analyses, Decisions decisions) {
        var json = io.transferadvisor.util.Json.json().copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        StringBuilder sb = new StringBuilder();
        Map<String, Map<String, String>> keys = new HashMap<>();
        for (Map<String, SuiteAnalysis.Run> runs : SuiteModelChoice.complete(analyses)) {
            Map<String, String> k = new LinkedHashMap<>();
            runs.forEach((m, r) -> k.put(m, decisions.of(r.taskRun().profile()).key().id()));
            SuiteAnalysis.Run first = runs.values().iterator().next();
            keys.put(first.task().id() + "|" + first.taskRun().seed(), k);
        }
        for (SuiteModelChoice.Pair p : pairs) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("task", p.task().id());
            line.put("seed", p.seed());
            line.put("split", p.calibration() ? SuiteSpec.CALIBRATION : SuiteSpec.HELD_OUT);
            line.put("pick", p.pick());
            line.put("oracle", p.oracle());
            line.put("advisedKey", keys.get(p.task().id() + "|" + p.seed()));
            Map<String, Double> advised = new LinkedHashMap<>();
            p.advised().forEach((m, v) -> advised.put(m, Double.isNaN(v) ? null : v));
            line.put("advised", advised);
            try {
                sb.append(json.writeValueAsString(line)).append('\n');
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        io.transferadvisor.util.AtomicFiles.writeString(file, sb.toString());
    }

    /**
     * The ENSEMBLE of one model's plans the rules train per size group of SuitePlanEnsembles (index into
     * TrialKey#planEnsembles), read from the rules' own decisions on the recorded profiles: the most frequent.
     */
    private static Map<String, Integer> rulesEnsembleKinds(Map<String, SuiteAnalysis> analyses, Map<String, List<String>> cuts,
                                                           java.util.function.Function<SuiteAnalysis.Run, String> size, Decisions decisions) {
        Map<String, Map<Integer, Integer>> counts = new LinkedHashMap<>();
        analyses.forEach((m, a) -> {
            List<String> c = cuts.get(m);
            if (c.size() < 3) {
                return;
            }
            List<TrialKey> kinds = TrialKey.planEnsembles(c);
            for (SuiteAnalysis.Run r : a.runs()) {
                int k = kinds.indexOf(decisions.of(r.taskRun().profile()).key());
                String group = SuitePlanEnsembles.group(size.apply(r));
                if (k >= 0 && group != null) {
                    counts.computeIfAbsent(group, g -> new LinkedHashMap<>()).merge(k, 1, Integer::sum);
                }
            }
        });
        Map<String, Integer> out = new LinkedHashMap<>();
        counts.forEach((g, byKind) -> out.put(g, byKind.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey()));
        return out;
    }

    /** The rules' plan and size class of each model's run, looked up by a complete run's task and seed (SuitePlanEnsembles' whole plan). */
    private static SuitePlanEnsembles.Plans plans(Map<String, SuiteAnalysis> analyses, Decisions decisions,
                                                  java.util.function.Function<SuiteAnalysis.Run, String> size) {
        Map<String, SuiteAnalysis.Run> byRun = new HashMap<>();
        analyses.forEach((m, a) -> a.runs().forEach(r -> byRun.put(m + "|" + r.task().id() + "|" + r.taskRun().seed(), r)));
        return new SuitePlanEnsembles.Plans() {
            @Override
            public TrialKey advised(SuiteModelChoice.Pair p, String model) {
                return decisions.of(run(p, model).taskRun().profile()).key();
            }

            @Override
            public String size(SuiteModelChoice.Pair p, String model) {
                return size.apply(run(p, model));
            }

            private SuiteAnalysis.Run run(SuiteModelChoice.Pair p, String model) {
                return byRun.get(model + "|" + p.task().id() + "|" + p.seed());
            }
        };
    }

    /** Each model's advised trial: the rules' plan for that model's profile alone. */
    private static SuiteEnsembles.Members advisedMembers(Decisions decisions) {
        return (m, r) -> decisions.of(r.taskRun().profile()).key();
    }

    /** Each model's analysis of the suite (its own task hashes), in the suite's model order. */
    private static Map<String, SuiteAnalysis> analyses(SuiteSpec run, SuiteResults store, SourceModel model, Map<String, SourceModel> others,
                                                       List<SuiteSpec.Task> tasks) {
        Map<String, SuiteAnalysis> out = new LinkedHashMap<>();
        out.put(run.model(), new SuiteAnalysis(run, store, model.profile().candidateCuts(), tasks));
        others.forEach((m, sm) -> out.put(m, new SuiteAnalysis(run.withModel(m), store, sm.profile().candidateCuts(), tasks)));
        return out;
    }

    /**
     * The rules' decision for each probed run, made once: its trial, the rules' size x similarity cell
     * ("TINY x MEDIUM") and the seconds the recommendation took (the advising cost, with the probe).
     */
    private static final class Decisions {
        record Decided(TrialKey key, String cell, double seconds) {}

        private final Recommender recommender;
        private final String mainModel;
        private final Map<String, Decided> byRun = new HashMap<>();

        Decisions(Recommender recommender, String mainModel) {
            this.recommender = recommender;
            this.mainModel = mainModel;
        }

        /** Keyed "task|seed", like the report's cost table, and the model (the model-choice section asks about each model's profile). */
        static String id(DatasetProfile p) {
            return p.dataset() + "|" + p.sampling().seed() + "|" + p.model();
        }

        Decided of(DatasetProfile p) {
            return byRun.computeIfAbsent(id(p), id -> {
                long t0 = System.nanoTime();
                Recommender.Request req = new Recommender.Request(p.dataset(), 10, 30, p.sampling().seed(), Map.of(), Map.of("command", "bench suite"));
                Recommender.Recommendation r = recommender.recommend(List.of(p), req);
                return new Decided(TrialKey.of(r.plan()), PlanBench.derived(r.audit(), "SizeClass") + " x "
                        + PlanBench.derived(r.audit(), "SimilarityClass"), (System.nanoTime() - t0) / 1e9);
            });
        }

        /** The suite's main model's recommendation times, keyed "task|seed". */
        Map<String, Double> seconds() {
            Map<String, Double> out = new HashMap<>();
            String suffix = "|" + mainModel;
            byRun.forEach((id, d) -> {
                if (id.endsWith(suffix)) {
                    out.put(id.substring(0, id.length() - suffix.length()), d.seconds());
                }
            });
            return out;
        }
    }

    private String document(Path file, Path resultsPath, SuiteSpec suite, SuiteSpec run, List<SuiteSpec.Task> tasks, SuiteAnalysis a,
                            Decisions decisions, List<String> cuts, String rulesHash, double minutes, Path report) throws Exception {
        SuiteAnalysis.Policy advisor = (t, r) -> decisions.of(r.profile()).key();
        StringBuilder md = new StringBuilder(BenchReport.header("does the advice beat every fixed policy? (task suite, issue 8)",
                "advisor bench suite" + (quick ? " --quick" : "") + (taskIds != null ? " --tasks " + String.join(",", taskIds) : "")
                        + (seeds != null ? " --seeds " + seeds.stream().map(String::valueOf).reduce((x, y) -> x + "," + y).orElse("") : "")
                        + (reportOnly ? " --report-only" : "") + (rulesDir != null ? " --rules " + rulesDir : ""),
                "this command " + String.format(Locale.ROOT, "%.1f", minutes) + " min"));
        md.append("Suite: ").append(Home.dir().relativize(file.toAbsolutePath().normalize())).append(" (sha256 ")
                .append(Hashing.sha256(file).substring(0, 12)).append("), ").append(tasks.size()).append(" tasks x ").append(run.seeds().size())
                .append(" seeds; rules hash ").append(rulesHash, 0, Math.min(12, rulesHash.length())).append("; ").append(a.runs().size())
                .append(" complete runs").append(a.incomplete().isEmpty() ? "" : ", " + a.incomplete().size() + " incomplete (not scored): "
                        + String.join(", ", a.incomplete().subList(0, Math.min(8, a.incomplete().size()))) + (a.incomplete().size() > 8 ? ", ..." : ""))
                .append(".\n\n");
        double trialMin = a.runs().stream().mapToDouble(SuiteAnalysis.Run::oracleSeconds).sum() / 60;
        double probeMin = a.runs().stream().mapToDouble(r -> r.taskRun().probeSeconds()).sum() / 60;
        md.append(String.format(Locale.ROOT, "Results: %s (the oracle trials of the scored runs took %.0f min and their probes %.1f min when "
                + "`advisor bench suite` measured them; `--report-only` rescored them without training).%n%n",
                Home.dir().relativize(resultsPath.toAbsolutePath().normalize()), trialMin, probeMin));
        md.append("Procedure: docs/design/suite.md. Regret = the best test accuracy of every trial on a run (the oracle) minus the ")
                .append("policy's, in points, averaged over seeds per task, then over tasks; intervals are 95% bootstrap over tasks. ")
                .append("Every trial shares one recipe (Adam, head ").append(suite.recipe().headLr()).append(", backbone ")
                .append(suite.recipe().backboneLr()).append(", batch ").append(suite.recipe().batch()).append(", patience ")
                .append(suite.recipe().patience()).append(", the task's epoch cap): the suite judges the choice of strategy, cut and head.\n\n");
        Map<String, SuiteAnalysis.Policy> pol = SuiteReport.policies(a, advisor, cuts);
        for (String split : List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION)) {
            md.append("## ").append(split.equals(SuiteSpec.HELD_OUT) ? "Held-out tasks (set nothing)" : "Calibration tasks (set the thresholds)")
                    .append("\n\n").append(SuiteReport.scores(a, pol, split)).append("\n");
            md.append("Against the oracle per task (the trial with the best test accuracy averaged over the task's seeds, against the ")
                    .append("policy's accuracy averaged over the same seeds: no best-of-twenty luck at each seed in the oracle):\n\n")
                    .append(SuiteReport.taskOracleScores(a, pol, split)).append("\n");
            md.append(SuiteReport.noiseFloor(a, split)).append("\n\n");
            md.append("Cost: ").append(SuiteReport.cost(a, decisions.seconds(), split)).append(".\n\n");
        }
        if (report != null && !a.runs().isEmpty()) {
            Path png = report.resolveSibling(report.getFileName().toString().replaceFirst("\\.md$", "") + "-heatmap.png");
            HeatMap.write(SuiteReport.points(a, advisor), "Winning strategy by size x measured similarity (markers: the advisor's picks)", png);
            md.append("## Where each strategy wins\n\n![heat map](").append(png.getFileName()).append(")\n\n");
        }
        md.append("## What the calibration tasks say, per cell\n\n")
                .append(SuiteReport.calibrationCells(a, cuts, r -> decisions.of(r.taskRun().profile()).cell())).append("\n");
        md.append("## Ensembling one model's plans instead of choosing\n\n").append(SuiteReport.planEnsembles(a, cuts, advisor)).append("\n");
        md.append("## Per task\n\n").append(SuiteReport.perTask(a, advisor));
        return md.toString();
    }
}

package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.SuiteResults.EnsembleTrial;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.RunInputs;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's ensembles (issue 9): for every run that each model has searched completely, one
 * trial per model is trained again as a member of one ENSEMBLE plan through the executor, whose
 * averaged test probabilities give the ensemble's accuracy. Two kinds of members: each model's
 * best trial (its oracle: the model-choice section compares the best each model can do alone with
 * the best two averaged), and each model's advised trial (the rules' plan for that model alone:
 * what an ENSEMBLE plan of the advisor trains, and, from the members, what each single-model plan
 * scores). Appended per run; a killed suite resumes.
 */
final class SuiteEnsembles {
    /** Which trial of a model's run becomes its member. */
    interface Members extends java.util.function.BiFunction<String, SuiteAnalysis.Run, TrialKey> {}

    /** Each model's best trial. */
    static final Members BEST = (model, run) -> run.best();

    private SuiteEnsembles() {}

    /** The members of a run's ensemble of each model's best trial key, in the suite's model order. */
    static List<String> keys(Map<String, SuiteAnalysis.Run> run) {
        return keys(run, BEST);
    }

    static List<String> keys(Map<String, SuiteAnalysis.Run> run, Members members) {
        return run.entrySet().stream().map(e -> members.apply(e.getKey(), e.getValue()).id()).toList();
    }

    static List<String> hashes(Map<String, SuiteAnalysis.Run> run) {
        return run.values().stream().map(r -> r.taskRun().taskHash()).toList();
    }

    /**
     * Trains, for every complete run, each kind of ensemble that has none recorded; the run's data is
     * drawn once for all its kinds.
     *
     * @param kinds   which trial of each model becomes its member, by the name the log gives the kind
     * @param runners each model's runner (its trial plans), in the suite's model order
     */
    static void run(List<Map<String, SuiteAnalysis.Run>> runs, Map<String, Members> kinds, Map<String, SuiteRunner> runners,
                    Map<String, SourceModel> models, SuiteSpec suite, Path suiteFile, SuiteResults store, Path workDir, Path cacheDir, PrintWriter log) {
        Map<String, Integer> done = new java.util.LinkedHashMap<>();
        for (Map<String, SuiteAnalysis.Run> run : runs) {
            SuiteAnalysis.Run first = run.values().iterator().next();
            SuiteSpec.Task task = first.task();
            long seed = first.taskRun().seed();
            LoadedDataset data = null;
            for (Map.Entry<String, Members> kind : kinds.entrySet()) {
                List<TrialKey> memberKeys = run.entrySet().stream().map(e -> kind.getValue().apply(e.getKey(), e.getValue())).toList();
                List<String> keyIds = memberKeys.stream().map(TrialKey::id).toList();
                if (store.ensemble(task.id(), seed, hashes(run), keyIds).isPresent()) {
                    continue;
                }
                if (data == null) {
                    data = SuiteTasks.build(suite, task, seed, suiteFile);
                }
                train(run, memberKeys, kind.getKey(), data, runners, models, suiteFile, store, workDir, cacheDir, log);
                done.merge(kind.getKey(), 1, Integer::sum);
            }
        }
        done.forEach((kind, n) -> log.println(n + " ensembles (" + kind + ") trained"));
    }

    private static void train(Map<String, SuiteAnalysis.Run> run, List<TrialKey> memberKeys, String kind, LoadedDataset data,
                              Map<String, SuiteRunner> runners, Map<String, SourceModel> models, Path suiteFile, SuiteResults store, Path workDir,
                              Path cacheDir, PrintWriter log) {
        SuiteSpec.Task task = run.values().iterator().next().task();
        long seed = run.values().iterator().next().taskRun().seed();
        List<String> names = List.copyOf(run.keySet());
        // a model's trial that is itself an ENSEMBLE of its plans (TrialKey#planEnsembles) adds each of its plans as a member
        List<Plan> members = new ArrayList<>();
        List<String> memberModels = new ArrayList<>();
        List<TrialKey> flatKeys = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            TrialKey k = memberKeys.get(i);
            for (TrialKey one : k.strategy() == Strategy.ENSEMBLE ? k.members() : List.of(k)) {
                members.add(runners.get(names.get(i)).plan(task, seed, one));
                memberModels.add(names.get(i));
                flatKeys.add(one);
            }
        }
        Plan p0 = members.get(0);
        Plan ensemble = new Plan(Plan.SCHEMA_VERSION, p0.dataset(), memberModels, Strategy.ENSEMBLE, null, HeadType.SOFTMAX, 0,
                p0.hyperparameters(), null, members, seed, p0.budgetMinutes(), List.of("bench suite: ensemble of each model's " + kind + " trial"));
        RunInputs in = new RunInputs(data, models::get, suiteFile.toAbsolutePath().normalize(), null, null);
        Path dir = workDir.resolve(task.id() + "-s" + seed + "-ensemble");
        long t0 = System.nanoTime();
        RunResult r = Executor.run(ensemble, in, ExecuteOptions.defaults().withOutput(dir).withForce(true).withCacheDir(cacheDir).withCheckpoints(false),
                new PrintWriter(Writer.nullWriter()));
        double secs = (System.nanoTime() - t0) / 1e9;
        var test = r.metrics().test();
        List<Double> memberAcc = r.metrics().members().stream().map(RunMetrics.Member::testAccuracy).toList();
        store.append(new EnsembleTrial(task.id(), seed, names, hashes(run), memberKeys.stream().map(TrialKey::id).toList(), test.accuracy(),
                (int) Math.round(test.accuracy() * test.images()), test.images(), memberAcc, secs));
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < flatKeys.size(); i++) {
            SuiteResults.Trial t = run.get(memberModels.get(i)).trials().get(flatKeys.get(i).id());
            m.append(String.format(Locale.ROOT, "%s %s %.4f%s  ", memberModels.get(i), flatKeys.get(i).label(), memberAcc.get(i),
                    t == null ? " (no trial of its own)" : String.format(Locale.ROOT, " (trial %.4f)", t.testAccuracy())));
        }
        log.printf(Locale.ROOT, "[%s s%d] ensemble (%s) test %.4f  %5.1f s  members: %s%n", task.id(), seed, kind, test.accuracy(), secs,
                m.toString().trim());
        log.flush();
        io.transferadvisor.util.Trees.deleteTree(dir);
    }
}

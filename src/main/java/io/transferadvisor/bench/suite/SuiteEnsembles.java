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
     * Trains the ensemble of every complete run that has none recorded.
     *
     * @param runners each model's runner (its trial plans), in the suite's model order
     */
    static void run(List<Map<String, SuiteAnalysis.Run>> runs, Members which, String kind, Map<String, SuiteRunner> runners,
                    Map<String, SourceModel> models, SuiteSpec suite, Path suiteFile, SuiteResults store, Path workDir, Path cacheDir, PrintWriter log) {
        int done = 0;
        for (Map<String, SuiteAnalysis.Run> run : runs) {
            SuiteAnalysis.Run first = run.values().iterator().next();
            SuiteSpec.Task task = first.task();
            long seed = first.taskRun().seed();
            if (store.ensemble(task.id(), seed, hashes(run), keys(run, which)).isPresent()) {
                continue;
            }
            LoadedDataset data = SuiteTasks.build(suite, task, seed, suiteFile);
            List<Plan> members = new ArrayList<>();
            for (Map.Entry<String, SuiteAnalysis.Run> e : run.entrySet()) {
                members.add(runners.get(e.getKey()).plan(task, seed, which.apply(e.getKey(), e.getValue())));
            }
            Plan p0 = members.get(0);
            Plan ensemble = new Plan(Plan.SCHEMA_VERSION, p0.dataset(), List.copyOf(run.keySet()), Strategy.ENSEMBLE, null, HeadType.SOFTMAX, 0,
                    p0.hyperparameters(), null, members, seed, p0.budgetMinutes(), List.of("bench suite: ensemble of each model's " + kind + " trial"));
            RunInputs in = new RunInputs(data, models::get, suiteFile.toAbsolutePath().normalize(), null, null);
            Path dir = workDir.resolve(task.id() + "-s" + seed + "-ensemble");
            long t0 = System.nanoTime();
            RunResult r = Executor.run(ensemble, in, ExecuteOptions.defaults().withOutput(dir).withForce(true).withCacheDir(cacheDir).withCheckpoints(false),
                    new PrintWriter(Writer.nullWriter()));
            double secs = (System.nanoTime() - t0) / 1e9;
            var test = r.metrics().test();
            List<Double> memberAcc = r.metrics().members().stream().map(RunMetrics.Member::testAccuracy).toList();
            store.append(new EnsembleTrial(task.id(), seed, List.copyOf(run.keySet()), hashes(run), keys(run, which), test.accuracy(),
                    (int) Math.round(test.accuracy() * test.images()), test.images(), memberAcc, secs));
            done++;
            StringBuilder m = new StringBuilder();
            int i = 0;
            for (Map.Entry<String, SuiteAnalysis.Run> e : run.entrySet()) {
                TrialKey k = which.apply(e.getKey(), e.getValue());
                SuiteResults.Trial t = e.getValue().trials().get(k.id());
                m.append(String.format(Locale.ROOT, "%s %s %.4f%s  ", e.getKey(), k.label(), memberAcc.get(i++),
                        t == null ? " (no trial of its own)" : String.format(Locale.ROOT, " (trial %.4f)", t.testAccuracy())));
            }
            log.printf(Locale.ROOT, "[%s s%d] ensemble (%s) test %.4f  %5.1f s  members: %s%n", task.id(), seed, kind, test.accuracy(), secs,
                    m.toString().trim());
            log.flush();
            io.transferadvisor.util.Trees.deleteTree(dir);
        }
        if (done > 0) {
            log.println(done + " ensembles (" + kind + ") trained");
        }
    }
}

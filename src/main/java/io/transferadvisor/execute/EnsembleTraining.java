package io.transferadvisor.execute;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.ClassificationMetrics;
import io.transferadvisor.report.RunMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ENSEMBLE: each member plan run by its own family in its own sub-folder, their class probabilities averaged. */
final class EnsembleTraining implements StrategyFamily {
    static final EnsembleTraining INSTANCE = new EnsembleTraining();

    private EnsembleTraining() {}

    @Override
    public Set<Strategy> strategies() {
        return EnumSet.of(Strategy.ENSEMBLE);
    }

    @Override
    public RunMetrics run(Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress, Instant deadline) {
        List<Plan> members = plan.ensembleMembers();
        List<float[][]> val = new ArrayList<>();
        List<float[][]> test = new ArrayList<>();
        List<RunMetrics.Member> rows = new ArrayList<>();
        List<List<String>> memberNotes = new ArrayList<>();
        Map<String, Double> phases = new LinkedHashMap<>();
        long start = System.nanoTime();
        List<String> notes = new ArrayList<>();
        notes.add("probabilities of " + members.size() + " members averaged (SVM scores softmaxed first)");
        // the recommender and the overrides keep the ensemble's own hyperparameters equal to a member's; a hand edit of them alone does nothing
        if (members.stream().noneMatch(m -> m.hyperparameters().equals(plan.hyperparameters()))) {
            String n = "the ensemble plan's own hyperparameters match no member's and are not used: each member trains with its own "
                    + "(edit ensembleMembers[i].hyperparameters, or use --epochs / --lr, which reach every member)";
            notes.add(n);
            progress.log("note: " + n);
        }
        for (int i = 0; i < members.size(); i++) {
            Plan m = members.get(i);
            if (m.strategy() == Strategy.ENSEMBLE) {
                throw new PlanException("plan.ensembleMembers[" + i + "] is itself an ENSEMBLE; members must be single-model plans");
            }
            String name = "member-" + (i + 1);
            RunFolder sub = folder.member(name, options.resume() != null);
            if (options.resume() == null) {
                sub.writeStart(m, in);
            }
            long left = deadline.toEpochMilli() - System.currentTimeMillis();
            Instant memberDeadline = Instant.now().plusMillis(left / (members.size() - i));
            progress.log("ensemble member " + (i + 1) + "/" + members.size() + ": " + m.strategy() + " on " + m.models().get(0));
            SingleRun.Outcome s = SingleRun.run(StrategyFamily.singleModel(m.strategy()), m, in, sub, options, progress, memberDeadline);
            sub.writeFinish(m, in, s.metrics());
            val.add(s.validationScores());
            test.add(s.testScores());
            memberNotes.add(s.metrics().notes() == null ? List.of() : s.metrics().notes());
            rows.add(new RunMetrics.Member(name, m.models().get(0), m.strategy().name(), s.metrics().validation().accuracy(),
                    s.metrics().test().accuracy()));
            phases.put(name, s.metrics().phases().values().stream().mapToDouble(Double::doubleValue).sum());
        }
        // what every member's run noted is about the data or the model (skipped images, preprocessing, random weights): the
        // ensemble says it once; a note only some members made is theirs, named
        for (String n : memberNotes.get(0)) {
            if (memberNotes.stream().allMatch(l -> l.contains(n)) && !notes.contains(n)) {
                notes.add(n);
            }
        }
        for (int i = 0; i < memberNotes.size(); i++) {
            for (String n : memberNotes.get(i)) {
                if (!memberNotes.stream().allMatch(l -> l.contains(n))) {
                    notes.add(rows.get(i).folder() + ": " + n);
                }
            }
        }
        List<String> classes = in.data().classNames();
        ClassificationMetrics v = ClassificationMetrics.of(in.data().validation() == null ? new int[0] : labels(in.data().validation()),
                average(val), classes);
        ClassificationMetrics t = ClassificationMetrics.of(labels(in.data().test()), average(test), classes);
        folder.writeEnsemble(rows);
        phases.put("total", (System.nanoTime() - start) / 1e9);
        return new RunMetrics(in.data().spec().name(), plan.models(), plan.strategy().name(), classes, v, t, 0, 0,
                "members finished", phases, 0, null, Map.of(),
                notes, rows);
    }

    static float[][] average(List<float[][]> all) {
        int n = all.get(0).length;
        int k = n == 0 ? 0 : all.get(0)[0].length;
        float[][] out = new float[n][k];
        for (float[][] m : all) {
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < k; c++) {
                    out[i][c] += m[i][c] / all.size();
                }
            }
        }
        return out;
    }

    static int[] labels(ImageSet set) {
        int[] l = new int[set.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = set.label(i);
        }
        return l;
    }

}

package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.PlanFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteAnalysisTest {
    static final List<String> CUTS = List.of("b1_pool", "b2_pool", "b3_relu", "b4_relu", "fc1_relu");
    static final TrialKey ALL = new TrialKey(Strategy.FINETUNE_ALL, null, 0, HeadType.SOFTMAX);
    static final TrialKey LIN_TOP = new TrialKey(Strategy.LINEAR_FROZEN, "fc1_relu", 0, HeadType.SOFTMAX);

    static SuiteSpec suite() {
        var fams = Map.of("c", new SuiteSpec.Family(SuiteSpec.CALIBRATION, "new-labels", "c"),
                "h", new SuiteSpec.Family(SuiteSpec.HELD_OUT, "new-labels", "h"));
        var tasks = List.of(
                new SuiteSpec.Task("cal-small", "c", "fashion", List.of("5", "6"), null, null, 10, 5, 0),
                new SuiteSpec.Task("cal-large", "c", "fashion", List.of("5", "7"), null, null, 1000, 2, 0),
                new SuiteSpec.Task("held", "h", "fashion", List.of("8", "9"), null, null, 10, 5, 0));
        return new SuiteSpec(1, "fmnist-cnn", List.of(1L, 2L), 50, 0.1, new SuiteSpec.Recipe(0.01, 0.001, 16, 0, 5), fams, tasks, List.of(), List.of());
    }

    static DatasetProfile profile(double similarity) {
        DatasetProfile p = PlanFiles.readProfile(Path.of("src/test/resources/rules/fmnist-default.profile.json"));
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), p.layers(), similarity,
                p.sourceView(), p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
    }

    /** Every oracle trial at `base`, FINETUNE_ALL at `all`, the top linear one at `lin`. */
    static void record(SuiteResults r, SuiteSpec s, String task, long seed, double base, double all, double lin, double sim) {
        SuiteSpec.Task t = s.task(task);
        String h = SuiteTasks.identity(s, t);
        r.append(new SuiteResults.TaskRun(task, seed, h, 10, 2, 100, 2.0, profile(sim)));
        for (TrialKey k : TrialKey.oracle(CUTS)) {
            double acc = k.equals(ALL) ? all : k.equals(LIN_TOP) ? lin : base;
            r.append(new SuiteResults.Trial(task, seed, h, k.id(), acc, (int) Math.round(acc * 100), 100, 5, 10.0));
        }
    }

    @Test
    void theNoiseFloorReferencePicksWhatWonOnTheTasksOtherSeedsNotOnTheScoredOne(@TempDir Path dir) {
        SuiteSpec s = suite();
        SuiteResults r = SuiteResults.open(dir.resolve("r.jsonl"));
        // cal-large: seed 1 is won by the top linear trial, seed 2 by FINETUNE_ALL
        record(r, s, "cal-large", 1, 0.70, 0.71, 0.80, 0.9);
        record(r, s, "cal-large", 2, 0.70, 0.90, 0.72, 0.9);
        SuiteAnalysis a = new SuiteAnalysis(s, r, CUTS, s.tasks());
        SuiteAnalysis.Policy ref = a.otherSeeds(CUTS);
        SuiteSpec.Task t = s.task("cal-large");
        SuiteAnalysis.Run one = a.runs(SuiteSpec.CALIBRATION).stream().filter(x -> x.taskRun().seed() == 1).findFirst().orElseThrow();
        SuiteAnalysis.Run two = a.runs(SuiteSpec.CALIBRATION).stream().filter(x -> x.taskRun().seed() == 2).findFirst().orElseThrow();
        assertThat(ref.apply(t, one.taskRun())).isEqualTo(ALL); // seed 2's winner
        assertThat(ref.apply(t, two.taskRun())).isEqualTo(LIN_TOP); // seed 1's winner
        // so it pays the seed-to-seed noise: 80-71 = 9 and 90-72 = 18 points, mean 13.5
        assertThat(a.score("ref", ref, SuiteSpec.CALIBRATION).meanRegret()).isCloseTo(13.5, within(1e-9));
    }

    @Test
    void regretIsTheOracleMinusThePickAveragedPerTaskThenOverTasks(@TempDir Path dir) {
        SuiteSpec s = suite();
        SuiteResults r = SuiteResults.open(dir.resolve("r.jsonl"));
        record(r, s, "cal-small", 1, 0.70, 0.80, 0.60, 0.9);
        record(r, s, "cal-small", 2, 0.70, 0.90, 0.60, 0.9);
        record(r, s, "cal-large", 1, 0.70, 0.70, 0.72, 0.9);
        record(r, s, "cal-large", 2, 0.70, 0.70, 0.74, 0.9);
        record(r, s, "held", 1, 0.50, 0.60, 0.55, 0.3);
        // held at seed 2 is missing: incomplete, not scored
        SuiteAnalysis a = new SuiteAnalysis(s, r, CUTS, s.tasks());
        assertThat(a.incomplete()).containsExactly("held s2");
        assertThat(a.runs(SuiteSpec.CALIBRATION)).hasSize(4);

        SuiteAnalysis.Score all = a.score("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION);
        // cal-small: 0, 0; cal-large: 2, 4 -> per task 0 and 3 -> mean 1.5
        assertThat(all.meanRegret()).isCloseTo(1.5, within(1e-9));
        assertThat(all.worstTask()).isCloseTo(3.0, within(1e-9));
        assertThat(all.worstTaskId()).isEqualTo("cal-large");
        assertThat(all.worstRun()).isCloseTo(4.0, within(1e-9));
        assertThat(all.within1()).isCloseTo(0.5, within(1e-9));
        assertThat(all.low()).isLessThanOrEqualTo(all.meanRegret());
        assertThat(all.high()).isGreaterThanOrEqualTo(all.meanRegret());

        SuiteAnalysis.Score lin = a.score("lin", SuiteAnalysis.always(LIN_TOP), SuiteSpec.CALIBRATION);
        // cal-small: 20, 30 -> 25; cal-large: 0, 0 -> 0; mean 12.5
        assertThat(lin.meanRegret()).isCloseTo(12.5, within(1e-9));
        assertThat(a.bestFixedOnCalibration(CUTS)).isEqualTo(ALL);

        SuiteAnalysis.Score held = a.score("all", SuiteAnalysis.always(ALL), SuiteSpec.HELD_OUT);
        assertThat(held.runs()).isEqualTo(1);
        assertThat(held.meanRegret()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void againstTheOraclePerTaskTheBestPlanIsChosenOnTheSeedMeanAndLuckAtOneSeedIsNotRegret(@TempDir Path dir) {
        SuiteSpec s = suite();
        SuiteResults r = SuiteResults.open(dir.resolve("r.jsonl"));
        // cal-large: the top linear trial wins seed 1 by luck (0.80), FINETUNE_ALL wins seed 2 (0.90)
        record(r, s, "cal-large", 1, 0.70, 0.71, 0.80, 0.9);
        record(r, s, "cal-large", 2, 0.70, 0.90, 0.72, 0.9);
        SuiteAnalysis a = new SuiteAnalysis(s, r, CUTS, s.tasks());
        // per run, always FINETUNE_ALL pays seed 1's luck: (80-71 + 0) / 2 = 4.5 points
        assertThat(a.score("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION).meanRegret()).isCloseTo(4.5, within(1e-9));
        // per task, FINETUNE_ALL is the best plan on the seed mean (0.805 vs 0.76): no regret
        SuiteAnalysis.Score all = a.scoreAgainstTaskOracle("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION);
        assertThat(all.meanRegret()).isCloseTo(0.0, within(1e-9));
        assertThat(all.tasks()).isEqualTo(1);
        assertThat(all.runs()).isEqualTo(2);
        assertThat(all.within1()).isCloseTo(1.0, within(1e-9));
        // the linear trial: 80.5 - 76 = 4.5 points
        SuiteAnalysis.Score lin = a.scoreAgainstTaskOracle("lin", SuiteAnalysis.always(LIN_TOP), SuiteSpec.CALIBRATION);
        assertThat(lin.meanRegret()).isCloseTo(4.5, within(1e-9));
        assertThat(lin.worstTaskId()).isEqualTo("cal-large");
        assertThat(lin.within1()).isCloseTo(0.0, within(1e-9));
        // a policy that picks the seed's winner each time beats the best fixed plan: regret is 0, not negative
        SuiteAnalysis.Policy lucky = (t, run) -> run.seed() == 1 ? LIN_TOP : ALL;
        assertThat(a.scoreAgainstTaskOracle("lucky", lucky, SuiteSpec.CALIBRATION).meanRegret()).isCloseTo(0.0, within(1e-9));

        // a trial off the grid, made at every seed (the runner adds the advisor's pick when the grid lacks it), is a candidate too
        TrialKey grow2 = new TrialKey(Strategy.TRUNCATE_GROW, "b2_pool", 2, HeadType.SOFTMAX);
        String h = SuiteTasks.identity(s, s.task("cal-large"));
        r.append(new SuiteResults.Trial("cal-large", 1, h, grow2.id(), 0.95, 95, 100, 5, 10.0));
        r.append(new SuiteResults.Trial("cal-large", 2, h, grow2.id(), 0.95, 95, 100, 5, 10.0));
        SuiteAnalysis withPick = new SuiteAnalysis(s, r, CUTS, s.tasks());
        assertThat(withPick.scoreAgainstTaskOracle("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION).meanRegret())
                .isCloseTo(14.5, within(1e-9)); // 95 - 80.5
        assertThat(withPick.scoreAgainstTaskOracle("grow2", SuiteAnalysis.always(grow2), SuiteSpec.CALIBRATION).meanRegret())
                .isCloseTo(0.0, within(1e-9));
    }

    @Test
    void theTestNoiseFloorIsTheWinnersCurseOfNearlyEqualPlansAndVanishesWhenOnePlanIsFarAhead(@TempDir Path dir) {
        SuiteSpec s = suite();
        // cal-small: every trial at 0.70 on 100 test images, so the oracle is the best of twenty draws of the same plan
        SuiteResults tied = SuiteResults.open(dir.resolve("tied.jsonl"));
        record(tied, s, "cal-small", 1, 0.70, 0.70, 0.70, 0.9);
        record(tied, s, "cal-small", 2, 0.70, 0.70, 0.70, 0.9);
        SuiteAnalysis.TestNoiseFloor t = new SuiteAnalysis(s, tied, CUTS, s.tasks()).testNoiseFloor(SuiteSpec.CALIBRATION, 400, 7);
        // the best of 20 draws of Binomial(100, 0.7)/100 is about 1.87 SD above any one (SD 4.6 points): about 8.6 points per run;
        // on the mean of two seeds the SD shrinks by sqrt(2): about 6.1
        assertThat(t.perRun()).isBetween(7.5, 9.5);
        assertThat(t.perTask()).isBetween(5.2, 7.0);
        assertThat(t.perTask()).isLessThan(t.perRun());
        // one plan 30 points ahead: the noise cannot overturn it, so a perfect chooser pays nothing
        SuiteResults clear = SuiteResults.open(dir.resolve("clear.jsonl"));
        record(clear, s, "cal-small", 1, 0.50, 0.80, 0.50, 0.9);
        record(clear, s, "cal-small", 2, 0.50, 0.80, 0.50, 0.9);
        SuiteAnalysis.TestNoiseFloor c = new SuiteAnalysis(s, clear, CUTS, s.tasks()).testNoiseFloor(SuiteSpec.CALIBRATION, 400, 7);
        assertThat(c.perRun()).isLessThan(0.01);
        assertThat(c.perTask()).isLessThan(0.01);
        assertThat(c.draws()).isEqualTo(400);
    }

    @Test
    void theTextbookMatrixUsesSizeAndMeasuredSimilarity(@TempDir Path dir) {
        SuiteSpec s = suite();
        SuiteAnalysis.Policy tb = SuiteAnalysis.textbook(CUTS);
        SuiteResults.TaskRun similar = new SuiteResults.TaskRun("x", 1, "h", 1, 1, 1, 0, profile(0.9));
        SuiteResults.TaskRun far = new SuiteResults.TaskRun("x", 1, "h", 1, 1, 1, 0, profile(0.3));
        assertThat(tb.apply(s.task("cal-small"), similar)).isEqualTo(LIN_TOP);
        assertThat(tb.apply(s.task("cal-small"), far).cut()).isEqualTo("b2_pool");
        assertThat(tb.apply(s.task("cal-large"), similar)).isEqualTo(new TrialKey(Strategy.FINETUNE_ABOVE, "b4_relu", 0, HeadType.SOFTMAX));
        assertThat(tb.apply(s.task("cal-large"), far)).isEqualTo(ALL);
    }

    @Test
    void trialKeysRoundTripAndLinearEarlierIsLinearFrozen() {
        for (TrialKey k : TrialKey.oracle(CUTS)) {
            assertThat(TrialKey.parse(k.id())).isEqualTo(k);
        }
        assertThat(new TrialKey(Strategy.LINEAR_EARLIER, "b2_pool", 0, HeadType.SVM))
                .isEqualTo(new TrialKey(Strategy.LINEAR_FROZEN, "b2_pool", 0, HeadType.SVM));
        assertThat(TrialKey.oracle(CUTS)).hasSize(10 + 4 + 4 + 2);
    }

    @Test
    void anEnsembleKeyRoundTripsWithItsMembersAndNamesThemInItsLabel() {
        List<TrialKey> ens = TrialKey.planEnsembles(CUTS);
        assertThat(ens).hasSize(9);
        TrialKey pair = ens.get(0);
        assertThat(pair.strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(pair.members()).containsExactly(new TrialKey(Strategy.FINETUNE_ABOVE, "b1_pool", 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.TRUNCATE_GROW, "b3_relu", 1, HeadType.SOFTMAX));
        assertThat(ens.get(1).members()).last().isEqualTo(new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX));
        assertThat(ens.get(2).members()).last().isEqualTo(ALL);
        assertThat(ens.get(3).members()).containsExactly(pair.members().get(0), ALL, new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX));
        // fine-tuning above the cut below the top, instead of from scratch and beside it
        TrialKey deep = new TrialKey(Strategy.FINETUNE_ABOVE, "b4_relu", 0, HeadType.SOFTMAX);
        assertThat(ens.get(4).members()).containsExactly(pair.members().get(0), pair.members().get(1), deep);
        assertThat(ens.get(5).members()).containsExactly(pair.members().get(0), pair.members().get(1),
                new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX), deep);
        // a block grown at the cut below the top, in place of fine-tuning there and beside it
        TrialKey growDeep = new TrialKey(Strategy.TRUNCATE_GROW, "b4_relu", 1, HeadType.SOFTMAX);
        assertThat(ens.get(6).members()).containsExactly(pair.members().get(0), pair.members().get(1),
                new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX), growDeep);
        assertThat(ens.get(7).members()).containsExactly(pair.members().get(0), pair.members().get(1),
                new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX), deep, growDeep);
        // since stop 45 the five and a softmax head on the frozen top cut (TINY data only)
        assertThat(ens.get(8).members()).containsExactly(pair.members().get(0), pair.members().get(1),
                new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX), deep, growDeep, LIN_TOP);
        assertThat(ens.get(8)).isEqualTo(TrialKey.tinyLinear(CUTS));
        // a model whose cut below the top is its middle one has no such ensembles (the grown block would be there twice)
        assertThat(TrialKey.planEnsembles(List.of("a", "b", "c"))).hasSize(6);
        assertThat(TrialKey.tinyLinear(List.of("a", "b", "c"))).isNull();
        for (TrialKey k : ens) {
            assertThat(TrialKey.parse(k.id())).isEqualTo(k);
            assertThat(TrialKey.parse(k.id()).members()).isEqualTo(k.members());
        }
        assertThat(pair.label()).isEqualTo("ENSEMBLE of FINETUNE_ABOVE b1_pool + TRUNCATE_GROW b3_relu +1");
        assertThat(ALL.members()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrialKey.ensemble(List.of(ALL)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrialKey.ensemble(List.of(ALL, pair)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ensemblesAreCandidatesOfTheOracleAndTheirSectionScoresOnlyTheRunsThatHaveThem(@TempDir Path dir) {
        SuiteSpec s = suite();
        SuiteResults r = SuiteResults.open(dir.resolve("r.jsonl"));
        TrialKey pair = TrialKey.planEnsembles(CUTS).get(0);
        String h = SuiteTasks.identity(s, s.task("cal-small"));
        record(r, s, "cal-small", 1, 0.70, 0.80, 0.60, 0.9);
        record(r, s, "cal-small", 2, 0.70, 0.90, 0.60, 0.9);
        r.append(new SuiteResults.Trial("cal-small", 1, h, pair.id(), 0.85, 85, 100, 0, 3.0));
        r.append(new SuiteResults.Trial("cal-small", 2, h, pair.id(), 0.84, 84, 100, 0, 3.0));
        SuiteAnalysis a = new SuiteAnalysis(s, r, CUTS, s.tasks());
        SuiteAnalysis.Run one = a.runs(SuiteSpec.CALIBRATION).get(0);
        assertThat(one.trials()).containsKey(pair.id());
        assertThat(one.ensembles()).containsOnlyKeys(pair.id());
        assertThat(one.oracle()).isCloseTo(0.85, within(1e-9)); // the ensemble beat every single plan at seed 1
        // FINETUNE_ALL: per run 85-80 = 5 and 0 (90 > 84) -> 2.5; per task max(84.5, 85) - 85 = 0
        assertThat(a.score("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION).meanRegret()).isCloseTo(2.5, within(1e-9));
        assertThat(a.scoreAgainstTaskOracle("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION).meanRegret()).isCloseTo(0.0, within(1e-9));
        // the ensemble: per run 0 and 90-84 = 6 -> 3; per task 85 - 84.5 = 0.5
        assertThat(a.score("pair", SuiteAnalysis.always(pair), SuiteSpec.CALIBRATION).meanRegret()).isCloseTo(3.0, within(1e-9));
        assertThat(a.scoreAgainstTaskOracle("pair", SuiteAnalysis.always(pair), SuiteSpec.CALIBRATION).meanRegret()).isCloseTo(0.5, within(1e-9));
        List<TrialKey> ens = List.of(pair);
        assertThat(a.scoreWithEnsembles("pair", SuiteAnalysis.always(pair), SuiteSpec.CALIBRATION, ens, x -> true, true).meanRegret()).isCloseTo(0.5, within(1e-9));
        // runs without the ensemble are left out of its section: cal-large has none
        record(r, s, "cal-large", 1, 0.70, 0.70, 0.72, 0.9);
        SuiteAnalysis b = new SuiteAnalysis(s, r, CUTS, s.tasks());
        assertThat(b.scoreWithEnsembles("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION, ens, x -> true, false).runs()).isEqualTo(2);
        assertThat(b.score("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION).runs()).isEqualTo(3);
        // the section scores the runs that hold every ensemble: with the others recorded (below every single plan), a column
        // per ensemble, and the pair's per-task cell on calibration is 0.50 (worst task 0.5)
        for (TrialKey k : TrialKey.planEnsembles(CUTS).subList(1, TrialKey.planEnsembles(CUTS).size())) {
            r.append(new SuiteResults.Trial("cal-small", 1, h, k.id(), 0.50, 50, 100, 0, 3.0));
            r.append(new SuiteResults.Trial("cal-small", 2, h, k.id(), 0.50, 50, 100, 0, 3.0));
        }
        // and which runs: a predicate that takes none leaves an empty score
        assertThat(b.scoreWithEnsembles("all", SuiteAnalysis.always(ALL), SuiteSpec.CALIBRATION, ens, x -> false, false).runs()).isZero();
        String md = SuiteReport.planEnsembles(new SuiteAnalysis(s, r, CUTS, s.tasks()), CUTS, SuiteAnalysis.always(ALL));
        String header = md.lines().filter(l -> l.startsWith("| split |")).findFirst().orElseThrow();
        for (TrialKey k : TrialKey.planEnsembles(CUTS)) {
            assertThat(header).contains("| " + k.label() + " |");
        }
        // one size group holds cal-small's two runs; its per-task row: the advisor (here always FINETUNE_ALL) 0, the pair 0.50
        List<String> perTask = md.lines().filter(l -> l.startsWith("| calibration |") && l.contains("| oracle per task |")).toList();
        assertThat(perTask).hasSize(1);
        assertThat(perTask.get(0).split("\\|")[4].trim()).isEqualTo("2");
        assertThat(perTask.get(0).split("\\|")[5].trim()).isEqualTo("0.00 (0.0)");
        assertThat(perTask.get(0).split("\\|")[9].trim()).isEqualTo("0.50 (0.5)");
    }

    @Test
    void theRunnerBuildsAnEnsembleKeysPlanFromItsMembersTrialPlans(@TempDir Path dir) {
        SuiteSpec s = suite();
        var model = io.transferadvisor.model.ModelRegistry.resolve(new io.transferadvisor.dataset.DatasetSpec.ModelRef("fmnist-cnn", null, null));
        SuiteRunner runner = new SuiteRunner(s, dir.resolve("suite.yaml"), model, null, dir, dir, null);
        TrialKey pair = TrialKey.planEnsembles(CUTS).get(0);
        io.transferadvisor.plan.Plan p = runner.plan(s.task("cal-small"), 1, pair);
        assertThat(p.strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(p.ensembleMembers()).extracting(TrialKey::of).containsExactlyElementsOf(pair.members());
        assertThat(p.ensembleMembers().get(0)).isEqualTo(runner.plan(s.task("cal-small"), 1, pair.members().get(0)));
        assertThat(p.hyperparameters()).isEqualTo(p.ensembleMembers().get(0).hyperparameters());
    }
}

package io.transferadvisor.bench.suite;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.Recommender;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which source model the rules choose when a task is probed with every model of the suite, judged
 * against each model's own oracle (issue 9). A run counts when every model's oracle candidates
 * are recorded. Regret of a choice = the best model's oracle minus the chosen model's oracle, in
 * points; of an ensemble, the best model's oracle minus the ensemble of each model's best trial
 * ({@link SuiteEnsembles}).
 */
public final class SuiteModelChoice {
    /** The pick the rules make when they ensemble. */
    public static final String ENSEMBLE = "ENSEMBLE";

    /**
     * One task at one seed, probed and searched with every model.
     *
     * @param oracle   each model's best trial accuracy, in the suite's model order
     * @param ensemble the accuracy of the ensemble of each model's best trial, NaN while it is not trained
     * @param top      the model the probe ranks first (highest probe accuracy at its best layer), which the rules take alone
     * @param probeGap the top model's probe accuracy minus the runner-up's, in points (what rule models-ensemble compares with ensemble.maxProbeGap)
     * @param overlap  whether the runner-up's probe interval reaches the top model's lower bound (the threshold-free alternative)
     * @param pick     the model the rules chose from all the profiles, or {@link #ENSEMBLE}
     * @param seconds  the recommendation's wall time
     * @param trials   each model's trial accuracies by {@link TrialKey#id()} (the fixed policies of the whole-plan table)
     * @param advised  each model's advised plan's accuracy (the rules' plan for that model alone), NaN while not trained
     * @param advisedEnsemble the accuracy of the ensemble of each model's advised plan (what an ENSEMBLE plan trains), NaN while not trained
     * @param wholeEnsemble   the accuracy of the ensemble of each model's whole advised plan (an ENSEMBLE of a model's plans adds all
     *                        its members): what an ENSEMBLE of models trains since 2026-11-30 15:45; NaN while not trained
     * @param similarity      each model's overall source-domain similarity from its profile (what the similarity-lead sweep reads)
     * @param probe           each model's probe accuracy at its best layer (what ensemble.maxProbeGap reads); empty: every model
     *                        counts as within the gap
     * @param probeLow        each model's probe accuracy's lower 95% bound at that layer (a model-choice candidate); empty: unknown
     * @param logme           each model's highest LogME over its candidate layers (a model-choice candidate); empty: unknown
     * @param trialLoss       each model's short-trial out-of-fold log loss (SuiteResults.FoldTrial, stop 38); empty: not made
     * @param trialSeconds    the short trials' wall time summed over the models, NaN unless every model's was made
     * @param probeSeconds    the probes' wall time summed over the models (the advising cost the short trial adds to)
     * @param confidence      each model's source classifier's mean maximum probability on the target (its profile's sourceView);
     *                        empty: unknown
     */
    public record Pair(SuiteSpec.Task task, long seed, boolean calibration, Map<String, Double> oracle, double ensemble, String top,
                       double probeGap, boolean overlap, String pick, double seconds, Map<String, Map<String, Double>> trials,
                       Map<String, Double> advised, double advisedEnsemble, double wholeEnsemble, Map<String, Double> similarity,
                       Map<String, Double> probe, Map<String, Double> probeLow, Map<String, Double> logme, Map<String, Double> trialLoss,
                       double trialSeconds, double probeSeconds, Map<String, Double> confidence) {
        /** A run without short trials. */
        public Pair(SuiteSpec.Task task, long seed, boolean calibration, Map<String, Double> oracle, double ensemble, String top,
                    double probeGap, boolean overlap, String pick, double seconds, Map<String, Map<String, Double>> trials,
                    Map<String, Double> advised, double advisedEnsemble, double wholeEnsemble, Map<String, Double> similarity,
                    Map<String, Double> probe, Map<String, Double> probeLow, Map<String, Double> logme) {
            this(task, seed, calibration, oracle, ensemble, top, probeGap, overlap, pick, seconds, trials, advised, advisedEnsemble,
                    wholeEnsemble, similarity, probe, probeLow, logme, Map.of(), Double.NaN, Double.NaN, Map.of());
        }

        /** A run without the probe's lower bounds and LogME (the model-choice candidates that read them are not scored on it). */
        public Pair(SuiteSpec.Task task, long seed, boolean calibration, Map<String, Double> oracle, double ensemble, String top,
                    double probeGap, boolean overlap, String pick, double seconds, Map<String, Map<String, Double>> trials,
                    Map<String, Double> advised, double advisedEnsemble, double wholeEnsemble, Map<String, Double> similarity,
                    Map<String, Double> probe) {
            this(task, seed, calibration, oracle, ensemble, top, probeGap, overlap, pick, seconds, trials, advised, advisedEnsemble,
                    wholeEnsemble, similarity, probe, Map.of(), Map.of());
        }

        /**
         * The model the rules take alone on this run: their pick, or the probe's top model where they ensemble (what the rules
         * took within the probe gap before stop 35). What an ensemble of models is measured against.
         */
        String single() {
            return ENSEMBLE.equals(pick) ? top : pick;
        }

        /** Whether each model's advised plan is trained: what a choice of one model alone is scored on. */
        boolean advisedTrained() {
            return !advised.isEmpty() && advised.values().stream().noneMatch(v -> Double.isNaN(v));
        }

        /** Points the whole plan loses to the best trial of any model: {@code model}'s advised plan, or the advised ensemble. */
        double planRegret(String model) {
            return regretOf(planAccuracy(model));
        }

        /** {@code model}'s advised plan's accuracy, or ({@link #ENSEMBLE}) the advised ensemble's; NaN while not trained. */
        double planAccuracy(String model) {
            return ENSEMBLE.equals(model) ? advisedEnsemble : advised.getOrDefault(model, Double.NaN);
        }

        /** Points an accuracy loses to the best trial of any model on this run (NaN stays NaN; above the best counts 0). */
        double regretOf(double acc) {
            return Double.isNaN(acc) ? Double.NaN : Math.max(0, (best() - acc) * 100);
        }

        /** The whole decision: the rules' model with its plan, or an ensemble of models averaging each model's whole advised plan. */
        double wholePlanRegret() {
            return wholePlanRegret(pick);
        }

        /** The whole plan of {@code choice}: that model with the rules' plan for it, or ({@link #ENSEMBLE}) every model's whole plan averaged. */
        double wholePlanRegret(String choice) {
            return regretOf(wholePlanAccuracy(choice));
        }

        /** What the whole plan of {@code choice} scores: that model's advised plan, or ({@link #ENSEMBLE}) every model's whole plan averaged. */
        double wholePlanAccuracy(String choice) {
            return ENSEMBLE.equals(choice) ? wholeEnsemble : advised.getOrDefault(choice, Double.NaN);
        }

        /** Whether what the whole-plan scores read is trained: each model's advised plan and the ensemble of every model's whole plan. */
        boolean wholePlansTrained() {
            return !Double.isNaN(wholePlanRegret(ENSEMBLE)) && advised.values().stream().noneMatch(v -> Double.isNaN(v));
        }

        /** The ensemble of every model's whole advised plan, always. */
        double wholeEnsembleRegret() {
            return regretOf(wholeEnsemble);
        }

        /** Points a fixed trial of one model loses to the best trial of any model (NaN when that trial was not run). */
        double trialRegret(String model, String key) {
            return regretOf(trialAccuracy(model, key));
        }

        /** A fixed trial's accuracy (NaN when that trial was not run). */
        double trialAccuracy(String model, String key) {
            Double acc = trials.getOrDefault(model, Map.of()).get(key);
            return acc == null ? Double.NaN : acc;
        }

        double best() {
            return oracle.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        /** Points lost by always taking {@code model} ({@link #ENSEMBLE}: the ensemble; NaN while it is not trained). */
        double regret(String model) {
            double acc = ENSEMBLE.equals(model) ? ensemble : oracle.get(model);
            return Double.isNaN(acc) ? Double.NaN : Math.max(0, (best() - acc) * 100);
        }

        /** The ensemble's accuracy minus the top-ranked model's, in points: what ensembling adds over the single model the rules would take. */
        double ensembleGain() {
            return (ensemble - oracle.get(top)) * 100;
        }
    }

    private SuiteModelChoice() {}

    /** The runs every model has complete: per run, each model's analysis run, in the suite's model order. */
    static List<Map<String, SuiteAnalysis.Run>> complete(Map<String, SuiteAnalysis> analyses) {
        List<String> models = new ArrayList<>(analyses.keySet());
        Map<String, Map<String, SuiteAnalysis.Run>> byRun = new LinkedHashMap<>();
        for (String m : models) {
            for (SuiteAnalysis.Run r : analyses.get(m).runs()) {
                byRun.computeIfAbsent(r.task().id() + "|" + r.taskRun().seed(), k -> new LinkedHashMap<>()).put(m, r);
            }
        }
        return byRun.values().stream().filter(runs -> runs.size() == models.size()).toList();
    }

    /**
     * The runs every model has complete, each with the rules' choice and, where trained, the ensemble.
     *
     * @param analyses one analysis per model (its own task hashes), in the suite's model order
     */
    /** Each model's advised trial as a member of an ENSEMBLE of several models: the first plan of a one-model ensemble, which the rules chose. */
    static SuiteEnsembles.Members primary(SuiteEnsembles.Members advisedKeys) {
        return (m, r) -> {
            TrialKey k = advisedKeys.apply(m, r);
            return k.strategy() == Strategy.ENSEMBLE ? k.members().get(0) : k;
        };
    }

    /**
     * @param advisedKeys each model's advised plan (the rules' plan for its profile alone), as a trial key; each is
     *                    trained by that model's runner (an ENSEMBLE of its plans below LARGE data, TrialKey#planEnsembles)
     */
    public static List<Pair> pairs(Map<String, SuiteAnalysis> analyses, SuiteResults store, Recommender recommender, SuiteEnsembles.Members advisedKeys) {
        List<String> models = new ArrayList<>(analyses.keySet());
        List<Pair> out = new ArrayList<>();
        for (Map<String, SuiteAnalysis.Run> runs : complete(analyses)) {
            Map<String, Double> oracle = new LinkedHashMap<>();
            Map<String, Double> similarity = new LinkedHashMap<>();
            Map<String, Double> probe = new LinkedHashMap<>();
            Map<String, Double> probeLow = new LinkedHashMap<>();
            Map<String, Double> logme = new LinkedHashMap<>();
            Map<String, Double> trialLoss = new LinkedHashMap<>();
            Map<String, Double> confidence = new LinkedHashMap<>();
            double trialSeconds = 0;
            double probeSeconds = 0;
            List<DatasetProfile> profiles = new ArrayList<>();
            Map<String, double[]> scores = new LinkedHashMap<>();
            String top = null;
            for (String m : models) {
                oracle.put(m, runs.get(m).oracle());
                DatasetProfile p = runs.get(m).taskRun().profile();
                profiles.add(p);
                similarity.put(m, p.similarity());
                scores.put(m, Recommender.bestScore(p));
                probe.put(m, scores.get(m)[0]);
                probeLow.put(m, scores.get(m)[1]);
                logme.put(m, Recommender.bestLogme(p));
                confidence.put(m, Recommender.sourceConfidence(p)); // NaN, like a missing value, leaves the candidate unscored
                SuiteResults.TaskRun tr = runs.get(m).taskRun();
                probeSeconds += tr.probeSeconds();
                var ft = store.foldTrial(tr.task(), tr.seed(), tr.taskHash());
                if (ft.isPresent()) {
                    trialLoss.put(m, ft.get().logLoss());
                    trialSeconds += ft.get().seconds();
                }
                if (top == null || scores.get(m)[0] > scores.get(top)[0]) {
                    top = m;
                }
            }
            double[] topScore = scores.get(top);
            double runnerUp = Double.NEGATIVE_INFINITY;
            boolean overlap = false;
            for (Map.Entry<String, double[]> e : scores.entrySet()) {
                if (!e.getKey().equals(top)) {
                    runnerUp = Math.max(runnerUp, e.getValue()[0]);
                    overlap |= e.getValue()[2] >= topScore[1];
                }
            }
            double gap = (topScore[0] - runnerUp) * 100;
            SuiteAnalysis.Run first = runs.get(models.get(0));
            double ens = store.ensemble(first.task().id(), first.taskRun().seed(), SuiteEnsembles.hashes(runs), SuiteEnsembles.keys(runs))
                    .map(SuiteResults.EnsembleTrial::testAccuracy).orElse(Double.NaN);
            long t0 = System.nanoTime();
            Plan plan = recommender.recommend(profiles, new Recommender.Request(first.taskRun().profile().dataset(), 10, 30,
                    first.taskRun().seed(), Map.of(), Map.of("command", "bench suite (model choice)"))).plan();
            double secs = (System.nanoTime() - t0) / 1e9;
            // an ENSEMBLE of one model's plans (TINY data) is that model's plan: the models were not ensembled
            String pick = Recommender.ofSeveralModels(plan) ? ENSEMBLE : plan.models().get(0);
            Map<String, Map<String, Double>> trials = new LinkedHashMap<>();
            for (String m : models) {
                Map<String, Double> t = new LinkedHashMap<>();
                runs.get(m).trials().forEach((k, v) -> t.put(k, v.testAccuracy()));
                trials.put(m, t);
            }
            // the rule before 2026-11-30 15:45: an ENSEMBLE of several models kept one plan per model (its first member); now each brings all
            var adv = store.ensemble(first.task().id(), first.taskRun().seed(), SuiteEnsembles.hashes(runs), SuiteEnsembles.keys(runs, primary(advisedKeys)));
            Map<String, Double> advised = new LinkedHashMap<>();
            for (String m : models) {
                SuiteResults.Trial t = runs.get(m).trials().get(advisedKeys.apply(m, runs.get(m)).id());
                advised.put(m, t == null ? Double.NaN : t.testAccuracy());
            }
            var whole = store.ensemble(first.task().id(), first.taskRun().seed(), SuiteEnsembles.hashes(runs), SuiteEnsembles.keys(runs, advisedKeys));
            out.add(new Pair(first.task(), first.taskRun().seed(), first.calibration(), oracle, ens, top, gap, overlap, pick, secs, trials, advised,
                    adv.map(SuiteResults.EnsembleTrial::testAccuracy).orElse(Double.NaN), whole.map(SuiteResults.EnsembleTrial::testAccuracy).orElse(Double.NaN),
                    similarity, probe, probeLow, logme, trialLoss, trialLoss.size() == models.size() ? trialSeconds : Double.NaN, probeSeconds, confidence));
        }
        return out;
    }

    /**
     * The report section: per split, each fixed model, always the ensemble, the probe's top model
     * and the rules' choice; then whether an ensemble beats the single model the rules would take,
     * split by the evidence the ensemble rule reads; then per task.
     */
    public static String markdown(List<Pair> pairs, List<String> models, double rulesGap) {
        return markdown(pairs, models, rulesGap, Double.NaN);
    }

    /** @param rulesLead the rules' models.similarityLead (NaN: the rules have none, so they always ensemble within the probe gap) */
    public static String markdown(List<Pair> pairs, List<String> models, double rulesGap, double rulesLead) {
        StringBuilder md = new StringBuilder();
        if (pairs.isEmpty()) {
            return md.append("No run has every model's oracle recorded yet (models: ").append(String.join(", ", models))
                    .append("); run `advisor bench suite` to train them.\n").toString();
        }
        md.append("Each task is probed and searched (every strategy at every cut) with each model: ").append(String.join(", ", models))
                .append(". The ensemble averages the probabilities of each model's best trial, trained again as members of one ENSEMBLE plan. ")
                .append("Regret = the better model's oracle minus the choice's (the chosen model's oracle, or the ensemble's accuracy), in points, ")
                .append("averaged over seeds per task, then over tasks. \"probe's top model\" takes the model with the highest probe accuracy ")
                .append("at its best layer, alone. Runs whose ensemble is not trained yet are not scored for the policies that pick it.\n\n");
        md.append("| split | tasks | runs |");
        for (String m : models) {
            md.append(" always ").append(m).append(" |");
        }
        md.append(" always the ensemble | probe's top model | the rules' choice | tasks within 1 pt (rules) | ensembles chosen | unscored runs |\n|---|---:|---:|");
        md.append("---:|".repeat(models.size())).append("---:|---:|---:|---:|---:|---:|\n");
        for (String split : List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION)) {
            List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList();
            if (ps.isEmpty()) {
                continue;
            }
            Map<String, List<Pair>> byTask = byTask(ps);
            md.append("| ").append(split).append(" | ").append(byTask.size()).append(" | ").append(ps.size()).append(" |");
            for (String m : models) {
                md.append(String.format(Locale.ROOT, " %.2f |", meanOverTasks(byTask, p -> p.regret(m))));
            }
            md.append(String.format(Locale.ROOT, " %s | %.2f |", fmt(meanOverTasks(byTask, p -> p.regret(ENSEMBLE))),
                    meanOverTasks(byTask, p -> p.regret(p.top()))));
            double rules = meanOverTasks(byTask, p -> p.regret(p.pick()));
            long within = byTask.values().stream().filter(l -> {
                double r = mean(l, p -> p.regret(p.pick()));
                return !Double.isNaN(r) && r <= 1.0;
            }).count();
            long ensembles = ps.stream().filter(p -> ENSEMBLE.equals(p.pick())).count();
            long unscored = ps.stream().filter(p -> Double.isNaN(p.regret(p.pick()))).count();
            md.append(String.format(Locale.ROOT, " **%s** | %d of %d | %d | %d |%n", fmt(rules), within, byTask.size(), ensembles, unscored));
        }
        List<String> perTaskReadings = new ArrayList<>();
        for (String split : List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION)) {
            Map<String, List<Pair>> byTask = byTask(pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList());
            double[] perTask = byTask.values().stream().mapToDouble(l -> taskChoiceRegret(l, Pair::pick)).filter(v -> !Double.isNaN(v)).toArray();
            if (perTask.length > 0) {
                perTaskReadings.add(String.format(Locale.ROOT, "%s %.2f points, %d of %d tasks within 1 pt", split, SuiteAnalysis.mean(perTask),
                        java.util.Arrays.stream(perTask).filter(v -> v <= 1.0 + 1e-9).count(), perTask.length));
            }
        }
        if (!perTaskReadings.isEmpty()) { // said only where some task holds every model's trials at every seed
            md.append("\nAgainst each model's oracle per task, as issue 8 defines the oracle (the model's trial with the best test accuracy ")
                    .append("averaged over the task's seeds; the rules' model at each seed scored by its own per-task oracle trial at that seed; ")
                    .append("regret = the better model's per-task oracle minus that mean, floored at 0), without the per-run oracle's luck of the ")
                    .append("best trial at each seed, the rules' choice: ").append(String.join("; ", perTaskReadings))
                    .append(" (per run, above: the table's column).\n");
        }
        boolean byGap = !Double.isNaN(rulesGap);
        md.append("\n### Does the ensemble beat the single model?\n\n")
                .append("Gain = the ensemble's accuracy minus the probe's top model's oracle, in points (mean over seeds per task, then over tasks; ")
                .append("95% bootstrap interval over tasks), split by ")
                .append(byGap ? "the evidence rule models-ensemble reads: the top model's probe accuracy minus the runner-up's (the probe gap), against the rules' ensemble.maxProbeGap = "
                        + SuiteReport.trim(rulesGap) + " points.\n\n" : "whether the runner-up's probe interval reaches the top model's lower bound "
                        + "(the rules hold no ensemble.maxProbeGap: they never ensemble the models).\n\n")
                .append("| split | ").append(byGap ? "probe gap" : "probe intervals").append(" | runs | tasks | gain over the top model (pts) | 95% interval | ensemble ahead (runs) |\n")
                .append("|---|---|---:|---:|---:|---|---:|\n");
        for (String split : List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION)) {
            for (boolean close : List.of(true, false)) {
                List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)
                        && (byGap ? p.probeGap() <= rulesGap : p.overlap()) == close && !Double.isNaN(p.ensemble())).toList();
                if (ps.isEmpty()) {
                    continue;
                }
                Map<String, List<Pair>> byTask = byTask(ps);
                double[] perTask = byTask.values().stream().mapToDouble(l -> mean(l, Pair::ensembleGain)).toArray();
                double[] ci = SuiteAnalysis.bootstrap(perTask, 2000, 12345);
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %+.2f | [%+.2f, %+.2f] | %d |%n", split,
                        byGap ? (close ? "<= " : "> ") + SuiteReport.trim(rulesGap) : close ? "overlap" : "apart",
                        ps.size(), byTask.size(), SuiteAnalysis.mean(perTask), ci[0], ci[1], ps.stream().filter(p -> p.ensembleGain() > 0).count()));
            }
        }
        md.append("\n### Setting ensemble.maxProbeGap on the calibration runs\n\n").append(gapSweep(pairs, byGap ? SuiteReport.trim(rulesGap) : NEVER_GAP));
        md.append("\n### The whole plan with several models in play\n\n").append(wholePlan(pairs, models));
        md.append("\n### Taking the model whose domain similarity leads, instead of the ensemble\n\n").append(similarityLead(pairs, rulesGap, rulesLead));
        md.append("\n### Choosing between the models, one model alone\n\n").append(singleChoiceSweep(pairs));
        md.append("\n| task | split |");
        for (String m : models) {
            md.append(" oracle ").append(m).append(" |");
        }
        md.append(" ensemble | the rules chose | regret (pts) |\n|---|---|").append("---:|".repeat(models.size())).append("---:|---|---:|\n");
        for (Map.Entry<String, List<Pair>> e : byTask(pairs).entrySet()) {
            List<Pair> l = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(l.get(0).calibration() ? SuiteSpec.CALIBRATION : SuiteSpec.HELD_OUT).append(" |");
            for (String m : models) {
                md.append(String.format(Locale.ROOT, " %.4f |", l.stream().mapToDouble(p -> p.oracle().get(m)).average().orElseThrow()));
            }
            double ens = mean(l, Pair::ensemble);
            List<String> picks = l.stream().map(Pair::pick).toList();
            double r = mean(l, p -> p.regret(p.pick()));
            md.append(" ").append(Double.isNaN(ens) ? "n/a" : String.format(Locale.ROOT, "%.4f", ens)).append(" | ").append(String.join(", ", picks))
                    .append(" | ").append(Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.1f", r)).append(" |\n");
        }
        md.append("\n### Close calls: how far the chosen model's similarity leads\n\n").append(closeCalls(pairs));
        return md.toString();
    }

    /**
     * The advisor's whole decision (model or ensemble, and the plan for it) against the best trial of
     * any model, beside fixed policies: one model with the rules' plan for it, always the ensemble of
     * the advised plans, and the fixed (model, trial) with the lowest calibration regret.
     */
    static String wholePlan(List<Pair> pairs, List<String> models) {
        StringBuilder md = new StringBuilder("Regret = the best trial of any model (the oracle over models x strategies x cuts) minus the ")
                .append("accuracy of what the policy trains, in points; mean over seeds per task, then over tasks, 95% bootstrap interval over ")
                .append("tasks, worst task in brackets. The advised plans and their ensemble are trained by the suite (each model's rules' plan ")
                .append("as an ensemble member); runs where they are not trained yet are left out.\n\n");
        List<Pair> scored = pairs.stream().filter(p -> !Double.isNaN(p.advisedEnsemble())).toList();
        // the best fixed (model, trial) on calibration
        String fixedModel = null;
        String fixedKey = null;
        double fixedReg = Double.POSITIVE_INFINITY;
        Map<String, List<Pair>> cal = byTask(scored.stream().filter(Pair::calibration).toList());
        for (String m : models) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            scored.forEach(p -> keys.addAll(p.trials().getOrDefault(m, Map.of()).keySet()));
            for (String k : keys) {
                double r = meanOverTasks(cal, p -> p.trialRegret(m, k));
                if (!Double.isNaN(r) && r < fixedReg - 1e-9) {
                    fixedReg = r;
                    fixedModel = m;
                    fixedKey = k;
                }
            }
        }
        // each policy by the accuracy of what it trains on a run
        Map<String, java.util.function.ToDoubleFunction<Pair>> policies = new LinkedHashMap<>();
        // an ENSEMBLE of models averages each model's whole plan (Recommender#withMembers, since 2026-11-30 15:45)
        policies.put("**the advisor** (the rules' model or ensemble, with its plan)", p -> p.wholePlanAccuracy(p.pick()));
        policies.put("the rule before: an ensemble of models with one plan per model", p -> p.planAccuracy(p.pick()));
        for (String m : models) {
            policies.put("always " + m + ", the rules' plan for it", p -> p.planAccuracy(m));
        }
        policies.put("always the ensemble of the advised plans", p -> p.planAccuracy(ENSEMBLE));
        policies.put("always the ensemble of every model's whole plan", Pair::wholeEnsemble);
        policies.put("the probe's top model, the rules' plan for it", p -> p.planAccuracy(p.top()));
        if (fixedModel != null) {
            String fm = fixedModel;
            String fk = fixedKey;
            policies.put("best fixed on calibration: " + fm + " " + TrialKey.parse(fk).label(), p -> p.trialAccuracy(fm, fk));
        }
        // what any rule over model choice alone could reach with these plans: the better option on each run, seen after the fact
        policies.put("*reference: the best of the rules' options on each run (either model with its plan, or their ensemble), picked after the fact*",
                p -> java.util.stream.DoubleStream.concat(p.advised().values().stream().mapToDouble(Double::doubleValue),
                        java.util.stream.DoubleStream.of(p.wholeEnsemble())).max().orElse(Double.NaN));
        md.append(policyTable(scored, policies, (l, f) -> mean(l, p -> p.regretOf(f.applyAsDouble(p)))));
        md.append("\nAgainst the oracle per task, as issue 8 defines it (the trial of any model with the best test accuracy averaged over the ")
                .append("task's seeds, against the policy's accuracy averaged over the same seeds, floored at 0): none of the per-run oracle's ")
                .append("best-of-every-trial luck at each seed.\n\n");
        Map<String, Double> oracles = new LinkedHashMap<>();
        byTask(scored).forEach((task, l) -> oracles.put(task, taskOracle(l)));
        md.append(policyTable(scored, policies, (l, f) -> {
            double acc = mean(l, f);
            double oracle = oracles.get(l.get(0).task().id());
            return Double.isNaN(acc) || Double.isNaN(oracle) ? Double.NaN : Math.max(0, (oracle - acc) * 100);
        }));
        md.append('\n').append(wholePlanEnsembleGain(scored));
        md.append('\n').append(wholePlanPerTask(scored));
        return md.toString();
    }

    /**
     * Model-choice regret on one task against each model's oracle per task (issue 8's definition): each model's trial with the best
     * test accuracy averaged over the task's seeds (among the trials recorded at every seed, a tie to the first recorded); the
     * choice at each seed is scored by its model's per-task oracle trial at that seed. The better model's per-task oracle minus the
     * mean of those, in points, floored at 0; NaN where a model has no trial at every seed or a choice is not one model.
     */
    static double taskChoiceRegret(List<Pair> task, java.util.function.Function<Pair, String> choice) {
        Map<String, String> bestKey = new LinkedHashMap<>();
        double better = Double.NEGATIVE_INFINITY;
        for (String m : task.get(0).oracle().keySet()) {
            List<Map<String, Double>> seeds = task.stream().map(p -> p.trials().getOrDefault(m, Map.<String, Double>of())).toList();
            java.util.Optional<String> best = SuiteAnalysis.bestSeedKey(seeds, Double::doubleValue);
            if (best.isEmpty()) {
                return Double.NaN;
            }
            bestKey.put(m, best.get());
            better = Math.max(better, SuiteAnalysis.seedMean(seeds, best.get(), Double::doubleValue));
        }
        double sum = 0;
        for (Pair p : task) {
            String m = choice.apply(p);
            if (m == null || !bestKey.containsKey(m)) {
                return Double.NaN;
            }
            sum += p.trials().get(m).get(bestKey.get(m));
        }
        return Math.max(0, (better - sum / task.size()) * 100);
    }

    /**
     * The best seed mean of any model's trial on one task: the oracle per task, over the trials every run of the task recorded
     * (NaN when no trial was recorded on all of them).
     */
    static double taskOracle(List<Pair> task) {
        // SuiteAnalysis#bestSeedMean over each run's trials of every model, keyed by model and trial
        List<Map<String, Double>> seeds = task.stream().map(p -> {
            Map<String, Double> byKey = new LinkedHashMap<>();
            p.trials().forEach((model, accs) -> accs.forEach((key, acc) -> byKey.put(model + '\t' + key, acc)));
            return byKey;
        }).toList();
        return SuiteAnalysis.bestSeedMean(seeds, Double::doubleValue).orElse(Double.NaN);
    }

    /** One row per policy, per split: mean regret over tasks (worst task), its 95% bootstrap interval and the tasks within 1 point. */
    private static String policyTable(List<Pair> scored, Map<String, java.util.function.ToDoubleFunction<Pair>> policies,
                                      java.util.function.ToDoubleBiFunction<List<Pair>, java.util.function.ToDoubleFunction<Pair>> taskRegret) {
        StringBuilder md = new StringBuilder("| policy |");
        List<String> splits = List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION);
        for (String split : splits) {
            md.append(' ').append(split).append(" regret | 95% interval | tasks within 1 pt |");
        }
        md.append("\n|---|").append("---:|---|---:|".repeat(splits.size())).append('\n');
        for (Map.Entry<String, java.util.function.ToDoubleFunction<Pair>> e : policies.entrySet()) {
            md.append("| ").append(e.getKey()).append(" |");
            for (String split : splits) {
                Map<String, List<Pair>> byTask = byTask(scored.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList());
                double[] perTask = byTask.values().stream().mapToDouble(l -> taskRegret.applyAsDouble(l, e.getValue())).filter(v -> !Double.isNaN(v)).toArray();
                if (perTask.length == 0) {
                    md.append(" - | - | - |");
                    continue;
                }
                double[] ci = SuiteAnalysis.bootstrap(perTask, 2000, 12345);
                double worst = java.util.Arrays.stream(perTask).max().orElseThrow();
                long within = java.util.Arrays.stream(perTask).filter(v -> v <= 1.0 + 1e-9).count();
                md.append(String.format(Locale.ROOT, " %.2f (%.1f) | %.2f-%.2f | %d of %d |", SuiteAnalysis.mean(perTask), worst, ci[0], ci[1], within,
                        perTask.length));
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * Per task, where the advisor's whole plan loses its points: the model choice (the better model's oracle minus the chosen
     * model's oracle, or the ensemble of each model's best trial, as in the model-choice table) and the plan trained for that
     * choice (the rest: the chosen oracle minus what the advisor trains).
     */
    static String wholePlanPerTask(List<Pair> scored) {
        StringBuilder md = new StringBuilder("Per task, the advisor's whole plan split into the model choice (the better model's oracle minus the ")
                .append("chosen model's oracle, or the ensemble of each model's best trial) and the plan trained for that choice (the rest), in ")
                .append("points, mean over seeds:\n\n| task | split | the rules chose | whole plan | model choice | the plan |\n|---|---|---|---:|---:|---:|\n");
        for (List<Pair> l : byTask(scored).values()) {
            Pair f = l.get(0);
            double whole = mean(l, Pair::wholePlanRegret);
            double choice = mean(l, p -> p.regret(p.pick()));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", f.task().id(), f.calibration() ? SuiteSpec.CALIBRATION : SuiteSpec.HELD_OUT,
                    String.join(", ", l.stream().map(Pair::pick).toList()), pts(whole), pts(choice), pts(whole - choice)));
        }
        return md.toString();
    }

    private static String pts(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * Issue 9's test of an ensemble of models, on what a user gets: on the runs where the rules ensemble
     * the models, the points the whole decision gains over the probe's top model with the rules' plan for
     * it (the same rules without an ensemble of models), per task, with a 95% bootstrap interval over
     * tasks. An interval above zero is a gain larger than its interval.
     */
    static String wholePlanEnsembleGain(List<Pair> scored) {
        StringBuilder md = new StringBuilder("Where the rules ensemble the models: the whole plan's gain over the probe's top model with the rules' ")
                .append("plan for it (regret of the top model's plan minus the advisor's), in points, mean over seeds per task, then over tasks.\n\n")
                .append("| split | runs | tasks | gain (pts) | 95% interval | ensemble ahead (runs) |\n|---|---:|---:|---:|---|---:|\n");
        for (String split : List.of(SuiteSpec.HELD_OUT, SuiteSpec.CALIBRATION)) {
            List<Pair> ens = scored.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split) && ENSEMBLE.equals(p.pick())
                    && !Double.isNaN(p.wholePlanRegret()) && !Double.isNaN(p.planRegret(p.top()))).toList();
            if (ens.isEmpty()) {
                continue;
            }
            double[] perTask = byTask(ens).values().stream().mapToDouble(l -> mean(l, p -> p.planRegret(p.top()) - p.wholePlanRegret())).toArray();
            double[] ci = SuiteAnalysis.bootstrap(perTask, 2000, 12345);
            long ahead = ens.stream().filter(p -> p.wholePlanRegret() < p.planRegret(p.top()) - 1e-9).count();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %+.2f | [%+.2f, %+.2f] | %d |%n", split, ens.size(), perTask.length,
                    SuiteAnalysis.mean(perTask), ci[0], ci[1], ahead));
        }
        return md.toString();
    }

    /** The threshold-free candidate: ensemble when the runner-up's probe interval reaches the top model's lower bound. */
    static final String OVERLAP = "interval overlap (runner-up's upper bound >= top's lower bound)";

    /** The similarity leads tried on the calibration runs; NaN never takes a model alone on its similarity (the ensemble stays). */
    static final double[] LEADS = {Double.NaN, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2};

    /**
     * The keys whose probe accuracy is within {@code gap} points of the best one's, in the map's order: the models an ensemble at
     * ensemble.maxProbeGap = {@code gap} would take, and the only ones a similarity lead weighs.
     */
    static <K> List<K> withinProbeGap(Map<K, Double> probe, double gap) {
        double top = probe.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return probe.entrySet().stream().filter(e -> (top - e.getValue()) * 100 <= gap).map(Map.Entry::getKey).toList();
    }

    /**
     * The choice with ensemble.maxProbeGap = {@code gap} and models.similarityLead = {@code lead} (NaN: no such rule): within the
     * probe gap, the model whose overall similarity leads every other model within the gap by at least the lead, else the ensemble;
     * outside it, the probe's top model. As models-similarity-lead reads it: a model past the probe gap is neither a leader nor a
     * rival. Computed from the probe gap, not from the rules' pick, so the sweep's "never" is the rules without the similarity lead
     * whatever the rules hold now.
     */
    static String leadChoice(Pair p, double gap, double lead) {
        if (p.probeGap() > gap) {
            return p.top();
        }
        if (Double.isNaN(lead) || p.similarity().isEmpty()) {
            return ENSEMBLE;
        }
        Set<String> near = Set.copyOf(withinProbeGap(p.probe(), gap));
        String leader = null;
        double best = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, Double> e : p.similarity().entrySet()) {
            if (p.probe().containsKey(e.getKey()) && !near.contains(e.getKey())) {
                continue;
            }
            if (e.getValue() > best) {
                second = best;
                best = e.getValue();
                leader = e.getKey();
            } else {
                second = Math.max(second, e.getValue());
            }
        }
        return second <= best - lead ? leader : ENSEMBLE; // as models-similarity-lead compares
    }

    /**
     * The sweep of a candidate rule (issue 9): where the rules ensemble the models (the probe gap within
     * ensemble.maxProbeGap), take the model whose overall similarity leads by at least the threshold alone,
     * with the rules' plan for it. Chosen on the calibration runs by the whole plan's regret (what a user
     * gets), a tie within {@link SuiteReport#TIE_POINTS} going to fewer ensembles; held-out is shown, never used.
     */
    static String similarityLead(List<Pair> pairs, double rulesGap, double rulesLead) {
        if (Double.isNaN(rulesGap)) {
            return "The rules hold no ensemble.maxProbeGap: they never ensemble the models, so there is no ensemble for a similarity lead to "
                    + "replace, and models.similarityLead is not swept (its last sweep, on 35 calibration tasks while the rules still "
                    + "ensembled, is in docs/design/suite.md).\n";
        }
        StringBuilder md = new StringBuilder("Where the probe gap is within ensemble.maxProbeGap (the rules' ensemble of models without this rule), take instead the model whose overall similarity (its profile's ")
                .append("source-domain similarity) leads the other's by at least the threshold, alone with the rules' plan for it. Whole plan: regret ")
                .append("against the best trial of any model (as in the table above); model choice: against the better model's oracle (as in the ")
                .append("first table of this section). Mean over seeds per task, then over tasks, worst task in brackets. Only runs whose advised ")
                .append("plans and ensembles are trained count. The calibration split chooses: the lowest whole-plan regret, a tie (within ")
                .append(SuiteReport.trim(SuiteReport.TIE_POINTS)).append(" points) going to fewer ensembles. The lead trains fewer networks than ")
                .append("the ensemble it replaces, so since stop 34 (docs/design/suite.md) ensembling carries the burden of proof: it would stay only ")
                .append("where its gain over the lead, paired by task, had a 95% bootstrap interval above zero (printed below; it cannot be, over the ")
                .append("lowest); until then the lead itself had to gain over never beyond its interval. Held-out is shown, never used.\n\n")
                .append("| models.similarityLead | calibration: whole plan | calibration: model choice (tasks within 1 pt) | calibration: ensembles ")
                .append("| held-out: whole plan | held-out: model choice (tasks within 1 pt) | held-out: ensembles |\n|---|---:|---:|---:|---:|---:|---:|\n");
        List<Pair> scored = pairs.stream().filter(Pair::wholePlansTrained).toList();
        double chosen = Double.NaN;
        double chosenRegret = Double.POSITIVE_INFINITY;
        long chosenEnsembles = Long.MAX_VALUE;
        boolean any = false;
        for (double lead : LEADS) {
            StringBuilder row = new StringBuilder("| " + (Double.isNaN(lead) ? "never (the ensemble stays)" : SuiteReport.trim(lead)) + " |");
            for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
                List<Pair> ps = scored.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList();
                Map<String, List<Pair>> byTask = byTask(ps);
                java.util.function.ToDoubleFunction<Pair> whole = p -> p.wholePlanRegret(leadChoice(p, rulesGap, lead));
                java.util.function.ToDoubleFunction<Pair> choice = p -> p.regret(leadChoice(p, rulesGap, lead));
                double reg = meanOverTasks(byTask, whole);
                long within = byTask.values().stream().filter(l -> mean(l, choice) <= 1.0 + 1e-9).count();
                long ens = ps.stream().filter(p -> ENSEMBLE.equals(leadChoice(p, rulesGap, lead))).count();
                row.append(' ').append(withWorst(byTask, whole)).append(String.format(Locale.ROOT, " | %s (%d of %d) | %d of %d |",
                        fmt(meanOverTasks(byTask, choice)), within, byTask.size(), ens, ps.size()));
                if (split.equals(SuiteSpec.CALIBRATION) && !Double.isNaN(reg) && SuiteReport.beats(reg, ens, chosenRegret, chosenEnsembles)) {
                    chosenRegret = reg;
                    chosenEnsembles = ens;
                    chosen = lead;
                    any = true;
                }
            }
            md.append(row).append('\n');
        }
        if (!any) {
            return md.append("\nNo calibration run has its advised plans and ensembles trained yet.\n").toString();
        }
        // the lead takes one model where the rules without it ensemble two, so it saves networks: since stop 34 (docs/design/suite.md,
        // "The asymmetry settled") it needs only the lowest regret, since ensembling (never) would have to gain over it beyond its interval
        // and cannot gain over the lowest on average; the interval is printed for the reader
        if (!Double.isNaN(chosen)) {
            double c0 = chosen;
            earnsRule(md, scored.stream().filter(Pair::calibration).toList(),
                    p -> p.wholePlanRegret(leadChoice(p, rulesGap, c0)) - p.wholePlanRegret(leadChoice(p, rulesGap, Double.NaN)),
                    SuiteReport.trim(chosen), chosenRegret, "never (the ensemble of models)", "the lead at " + SuiteReport.trim(chosen),
                    "the ensemble would stay", "the lead, which saves networks, is taken");
        }
        return md.append(chosenLine(Double.isNaN(chosen) ? "never" : SuiteReport.trim(chosen), Double.isNaN(rulesLead) ? "never" : SuiteReport.trim(rulesLead))).toString();
    }

    /**
     * The interval test of a threshold searched on the same runs: appends "Lowest on calibration: ..." with the gain of the option that
     * trains more networks ({@code costlier}) over the cheaper one, per run {@code gain}, averaged per task over the calibration runs, and
     * its 95% bootstrap interval; whether it lies above zero (the costlier option earns its networks).
     */
    private static boolean earnsRule(StringBuilder md, List<Pair> calibration, java.util.function.ToDoubleFunction<Pair> gain, String chosen,
                                     double chosenRegret, String costlier, String cheaper, String above, String notAbove) {
        double[] perTask = byTask(calibration).values().stream().mapToDouble(l -> mean(l, gain)).filter(v -> !Double.isNaN(v)).toArray();
        double[] ci = SuiteAnalysis.bootstrap(perTask, 2000, 12345);
        boolean enough = ci[0] > 0;
        md.append(String.format(Locale.ROOT, "%nLowest on calibration: %s (%.2f points); the gain of %s (more networks) over %s, paired by task, %+.2f [%+.2f, %+.2f] points: %s.",
                chosen, chosenRegret, costlier, cheaper, SuiteAnalysis.mean(perTask), ci[0], ci[1],
                enough ? "above zero, " + above : "the interval reaches zero, so " + notAbove));
        return enough;
    }

    /** The closing line of a threshold sweep: what calibration chose against what the rules hold. */
    private static String chosenLine(String taken, String rules) {
        return String.format(Locale.ROOT, "%nChosen on calibration: %s. The rules: %s%s.%n", taken, rules,
                taken.equals(rules) ? " (the same)" : ": they differ, so the rules were not set from this table");
    }

    /**
     * The sweep of ensemble.maxProbeGap: ensemble the models when the probe gap is at most the threshold, else the model the rules take
     * alone ({@link Pair#single()}) (and the threshold-free interval overlap beside it). Each candidate is scored on model choice (against the better model's
     * oracle, runs whose best-trial ensemble is trained) and on the whole plan (against the best trial of any model, each model's
     * rules' plan or the ensemble of every model's whole plan, runs where those are trained). Since 2026-12-01 the calibration split
     * chooses on the whole plan, what a user gets: the lowest regret, a tie within {@link SuiteReport#TIE_POINTS} going to fewer
     * ensembles; and, as for each extra member of a plan ensemble, a candidate that ensembles (more networks) earns the rule only where its gain
     * over never ensembling, paired by task, has a 95% bootstrap interval above zero. Held-out is shown, never used.
     *
     * @param rules the rules' candidate, as its row is named
     */
    static String gapSweep(List<Pair> pairs, String rules) {
        StringBuilder md = new StringBuilder("Ensemble when the probe gap is at most the threshold, else the model the rules take alone (the one with the ")
                .append("highest overall similarity since stop 35; the probe's top model before); the last row ensembles on interval ")
                .append("overlap instead (no threshold). Model choice: regret against the better model's oracle, on the runs whose ensemble of best ")
                .append("trials is trained. Whole plan: regret against the best trial of any model, of that model's rules' plan or the ensemble ")
                .append("of every model's whole plan, on the runs where those are trained. Points, mean over tasks, worst task in brackets, and how ")
                .append("many runs ensemble. The calibration split chooses on the whole plan (on the model choice until 2026-12-01): the lowest ")
                .append("regret, a tie (within " + SuiteReport.trim(SuiteReport.TIE_POINTS) + " points) going to fewer ensembles (fewer networks ")
                .append("to train); since the threshold is searched on the same runs, a choice that ensembles earns the rule only where its gain ")
                .append("over never ensembling, paired by task, has a 95% bootstrap interval above zero. Held-out is shown, never used.\n\n")
                .append("| ensemble.maxProbeGap | calibration: whole plan | calibration: model choice | calibration: ensembles ")
                .append("| held-out: whole plan | held-out: model choice | held-out: ensembles |\n|---|---:|---:|---:|---:|---:|---:|\n");
        Map<String, java.util.function.Predicate<Pair>> candidates = new LinkedHashMap<>();
        for (double g : GAPS) {
            candidates.put(g < 0 ? NEVER_GAP : g >= 100 ? "always (100)" : SuiteReport.trim(g), p -> p.probeGap() <= g);
        }
        candidates.put(OVERLAP, Pair::overlap);
        String chosen = null;
        double chosenRegret = Double.POSITIVE_INFINITY;
        long chosenEnsembles = Long.MAX_VALUE;
        // per split, the runs each score reads (the same for every candidate)
        Map<String, List<Pair>> choiceRuns = new LinkedHashMap<>();
        Map<String, List<Pair>> wholeRuns = new LinkedHashMap<>();
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList();
            choiceRuns.put(split, ps.stream().filter(p -> !Double.isNaN(p.ensemble())).toList());
            wholeRuns.put(split, ps.stream().filter(Pair::wholePlansTrained).toList());
        }
        for (Map.Entry<String, java.util.function.Predicate<Pair>> c : candidates.entrySet()) {
            java.util.function.Predicate<Pair> ens = c.getValue();
            java.util.function.ToDoubleFunction<Pair> choice = p -> p.regret(ens.test(p) ? ENSEMBLE : p.single());
            java.util.function.ToDoubleFunction<Pair> whole = p -> p.wholePlanRegret(ens.test(p) ? ENSEMBLE : p.single());
            StringBuilder row = new StringBuilder("| " + c.getKey() + " |");
            for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
                Map<String, List<Pair>> wholeByTask = byTask(wholeRuns.get(split));
                Map<String, List<Pair>> choiceByTask = byTask(choiceRuns.get(split));
                double reg = meanOverTasks(wholeByTask, whole);
                List<Pair> counted = wholeRuns.get(split).isEmpty() ? choiceRuns.get(split) : wholeRuns.get(split);
                long n = counted.stream().filter(ens).count();
                row.append(' ').append(withWorst(wholeByTask, whole)).append(" | ").append(withWorst(choiceByTask, choice))
                        .append(String.format(Locale.ROOT, " | %d of %d |", n, counted.size()));
                if (split.equals(SuiteSpec.CALIBRATION) && !Double.isNaN(reg) && SuiteReport.beats(reg, n, chosenRegret, chosenEnsembles)) {
                    chosenRegret = reg;
                    chosenEnsembles = n;
                    chosen = c.getKey();
                }
            }
            md.append(row).append('\n');
        }
        if (chosen == null) {
            return md.append("\nNo calibration run has its advised plans and ensembles trained yet.\n").toString();
        }
        String taken = chosen;
        if (!chosen.equals(NEVER_GAP)) {
            java.util.function.Predicate<Pair> ens = candidates.get(chosen);
            if (!earnsRule(md, wholeRuns.get(SuiteSpec.CALIBRATION), p -> p.wholePlanRegret(p.single()) - p.wholePlanRegret(ens.test(p) ? ENSEMBLE : p.single()),
                    chosen, chosenRegret, "ensembling at " + chosen, "never", "taken", "the models are not ensembled")) {
                taken = NEVER_GAP;
            }
        }
        return md.append(chosenLine(taken, rules)).toString();
    }

    /** The row name of the model-choice candidate the rules took before any other was measured: the probe's top model. */
    static final String PROBE_TOP = "the probe's top model";
    /** The rules' choice from stop 35 to stop 38, the incumbent a candidate had to beat until stop 39. */
    static final String SIMILARITY = "the highest overall similarity";
    /** models.closeCall as stop 36 set it (rules/thresholds.csv), the lead under which the stop-37 candidate asks LogME. */
    static final double CLOSE_CALL = 0.05;
    static final String CLOSE_CALL_LOGME = "the highest overall similarity; on a close call (lead under 0.05) the highest LogME";

    /**
     * The most similar model, except where its overall similarity leads the runner-up's by under {@code lead}: then {@code breaker}
     * (null when the similarity or the breaker is missing).
     */
    private static String closeCallBrokenBy(Pair p, double lead, String breaker) {
        String s = highest(p.similarity(), p);
        if (s == null || breaker == null) {
            return null;
        }
        double other = p.similarity().entrySet().stream().filter(e -> !e.getKey().equals(s)).mapToDouble(Map.Entry::getValue).max()
                .orElse(Double.NEGATIVE_INFINITY);
        return p.similarity().get(s) - other < lead ? breaker : s;
    }

    /** The candidate that takes the source classifier's more confident model under a similarity lead of {@code lead}. */
    static String confidenceUnder(double lead) {
        return "the highest overall similarity; on a close call (lead under " + SuiteReport.trim(lead) + ") the source classifier's highest confidence";
    }

    /** The rules' choice since stop 38 (models-pick-confident-close-call under models.closeCall = 0.05). */
    static final String CLOSE_CALL_CONFIDENCE = confidenceUnder(CLOSE_CALL);
    /** The incumbent a candidate must beat since stop 39: the rules' choice (docs/design/suite.md, stop 39). */
    static final String INCUMBENT = CLOSE_CALL_CONFIDENCE;
    /** The other leads under which the confidence breaks a close call, swept in stop 39 (docs/design/suite.md). */
    static final double[] CONFIDENCE_LEADS = {0.03, 0.04, 0.06, 0.07, 0.08, 0.1};
    static final String SHORT_TRIAL = "the lower short-trial log loss";
    /** The similarity leads under which the pre-registered candidates ask the short trial. */
    static final double[] SHORT_TRIAL_LEADS = {0.05, 0.1, 0.2};

    static String shortTrialUnder(double lead) {
        return "the highest overall similarity; on a lead under " + SuiteReport.trim(lead) + " the lower short-trial log loss";
    }

    /** The model with the lowest value of {@code by} (a tie to the first in the suite's model order); null when a value is missing. */
    private static String lowest(Map<String, Double> by, Pair p) {
        Map<String, Double> negated = new LinkedHashMap<>();
        by.forEach((m, v) -> negated.put(m, -v));
        return highest(negated, p);
    }

    /** The model with the highest value of {@code by} (a tie to the first in the suite's model order); null when a value is missing. */
    private static String highest(Map<String, Double> by, Pair p) {
        String best = null;
        for (String m : p.oracle().keySet()) {
            Double v = by.get(m);
            if (v == null || Double.isNaN(v)) {
                return null;
            }
            if (best == null || v > by.get(best)) {
                best = m;
            }
        }
        return best;
    }

    /**
     * The candidates for choosing one model alone (docs/design/suite.md, "Choosing between the models without an ensemble", written
     * before they were read on the whole plan): the probe's top model, the highest overall similarity, the highest LogME, the highest
     * probe lower bound, and within a probe gap of g points the model whose similarity leads by L, else the probe's top.
     */
    static Map<String, java.util.function.Function<Pair, String>> singleChoiceCandidates() {
        Map<String, java.util.function.Function<Pair, String>> c = new LinkedHashMap<>();
        c.put(SIMILARITY, p -> highest(p.similarity(), p));
        c.put(PROBE_TOP, Pair::top);
        c.put("the highest LogME (best layer)", p -> highest(p.logme(), p));
        c.put(CLOSE_CALL_LOGME, p -> closeCallBrokenBy(p, CLOSE_CALL, highest(p.logme(), p)));
        c.put("the highest probe lower bound", p -> highest(p.probeLow(), p));
        // stop 38's second pre-registration (docs/design/suite.md): the source classifier's confidence breaks a close call
        c.put(CLOSE_CALL_CONFIDENCE, p -> closeCallBrokenBy(p, CLOSE_CALL, highest(p.confidence(), p)));
        // stop 39's pre-registered sweep of the lead under which the confidence breaks the call
        for (double lead : CONFIDENCE_LEADS) {
            c.put(confidenceUnder(lead), p -> closeCallBrokenBy(p, lead, highest(p.confidence(), p)));
        }
        // stop 38's pre-registered short trial (docs/design/suite.md, "A short trial of each model"): lower out-of-fold log loss
        c.put(SHORT_TRIAL, p -> lowest(p.trialLoss(), p));
        for (double lead : SHORT_TRIAL_LEADS) {
            // undefined where the trial was not made, whatever the lead: scored on every run or on none
            c.put(shortTrialUnder(lead), p -> closeCallBrokenBy(p, lead, lowest(p.trialLoss(), p)));
        }
        for (double g : new double[] {1, 2, 3, 5, 8, 12}) {
            for (double lead : new double[] {0.02, 0.05, 0.1}) {
                c.put("similarity lead " + SuiteReport.trim(lead) + " within a probe gap of " + SuiteReport.trim(g), p -> {
                    String leader = p.probeGap() <= g ? leadChoice(p, g, lead) : p.top();
                    return ENSEMBLE.equals(leader) ? p.top() : leader;
                });
            }
        }
        return c;
    }

    /** The leads of the close-call table (overall similarity, chosen model minus the runner-up); the last row holds the rest. */
    static final double[] CLOSE_LEADS = {0.01, 0.02, 0.05};

    /**
     * Model-choice regret per run by how far the chosen model's overall similarity leads the runner-up's, for the rules' choice and
     * the probe's top model: where the lead is small, how often the choice errs, and whether the probe would have done better. What
     * explain says on a close call (models.drl models-close-call, threshold models.closeCall) is read from the calibration rows.
     */
    static String closeCalls(List<Pair> pairs) {
        StringBuilder md = new StringBuilder("Runs by how far the most similar model's overall similarity leads the runner-up's (the rules take the ")
                .append("most similar model alone, except on a close call under models.closeCall, where they take the model whose own classifier is the more ")
                .append("confident on the target). Model-choice regret per run (the better model's oracle minus the chosen model's, in points), ")
                .append("mean over runs, for the rules' choice and for the probe's top model. The note `explain` gives on a close call ")
                .append("(models-close-call, below models.closeCall) quotes the calibration rows.\n\n")
                .append("| split | similarity lead | runs | tasks | the rules' choice | the probe's top model |\n|---|---|---:|---:|---:|---:|\n");
        for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
            List<Pair> ps = pairs.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split) && !ENSEMBLE.equals(p.pick())
                    && p.similarity().keySet().containsAll(p.oracle().keySet()) && p.oracle().size() >= 2).toList();
            double lower = 0;
            for (int k = 0; k <= CLOSE_LEADS.length; k++) {
                double lo = lower;
                double hi = k < CLOSE_LEADS.length ? CLOSE_LEADS[k] : Double.POSITIVE_INFINITY;
                List<Pair> in = ps.stream().filter(p -> {
                    double lead = lead(p);
                    return lead >= lo && lead < hi;
                }).toList();
                String label = k < CLOSE_LEADS.length ? (lo == 0 ? "under " : SuiteReport.trim(lo) + " to under ") + SuiteReport.trim(hi)
                        : SuiteReport.trim(lo) + " or more";
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s |%n", split, label, in.size(), byTask(in).size(),
                        fmt(in.stream().mapToDouble(p -> p.regret(p.pick())).average().orElse(Double.NaN)),
                        fmt(in.stream().mapToDouble(p -> p.regret(p.top())).average().orElse(Double.NaN))));
                lower = hi;
            }
        }
        return md.toString();
    }

    /**
     * How far the most similar model's overall similarity leads the runner-up's, whichever model the rules took: since stop 38 a
     * close call may go to the runner-up, and measuring from the pick left those runs out of every row (a negative lead).
     */
    static double lead(Pair p) {
        double[] sims = p.similarity().values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sims.length < 2 ? Double.NaN : sims[sims.length - 1] - sims[sims.length - 2];
    }

    /**
     * The sweep of the choice between single models (stop 35): each candidate takes one model alone with the rules' plan for it, so
     * every candidate trains the same networks. Scored on the runs whose advised plans are trained: whole-plan regret per task
     * (against the best trial of any model) and model-choice regret (against the better model's oracle). The calibration split
     * chooses the lowest whole-plan regret, a tie within {@link SuiteReport#TIE_POINTS} keeping the incumbent ({@link #INCUMBENT}, the
     * rules' choice, since stop 39); a candidate replaces it only where its gain over it, paired by task, has a 95% bootstrap interval
     * above zero. The rules'
     * row is the candidate whose choice equals the rules' pick on every run. Held-out is shown, never used.
     */
    static String singleChoiceSweep(List<Pair> pairs) {
        return singleChoiceSweep(pairs, INCUMBENT);
    }

    /** @param incumbent the candidate the others must beat (a tie keeps it); it is scored first */
    static String singleChoiceSweep(List<Pair> pairs, String incumbent) {
        StringBuilder md = new StringBuilder("Each candidate takes one model alone, with the rules' plan for it, so each trains the same networks. ")
                .append("Whole plan: regret against the best trial of any model; model choice: against the better model's oracle. Points, mean ")
                .append("over seeds per task, then over tasks, worst task in brackets; tasks within 1 point of the better model's oracle. ")
                .append("The calibration split chooses: the lowest whole-plan regret, a tie (within ").append(SuiteReport.trim(SuiteReport.TIE_POINTS))
                .append(" points) keeping the incumbent, and a candidate replaces the incumbent only where its gain over it, paired by task, has ")
                .append("a 95% bootstrap interval above zero (written before these rows were read: docs/design/suite.md). The incumbent was the probe's ")
                .append("top model until stop 35 took the highest overall similarity, the incumbent from stop 37; since stop 39 the incumbent is the rules' ")
                .append("choice, ").append(incumbent).append(". Held-out is shown, never used.\n\n")
                .append("| candidate | calibration: whole plan | calibration: model choice (tasks within 1 pt) | held-out: whole plan ")
                .append("| held-out: model choice (tasks within 1 pt) |\n|---|---:|---:|---:|---:|\n");
        List<Pair> scored = pairs.stream().filter(Pair::advisedTrained).toList();
        Map<String, java.util.function.Function<Pair, String>> candidates = new LinkedHashMap<>();
        Map<String, java.util.function.Function<Pair, String>> all = singleChoiceCandidates();
        candidates.put(incumbent, all.get(incumbent));
        candidates.putAll(all);
        String rules = null;
        String chosen = null;
        double chosenRegret = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, java.util.function.Function<Pair, String>> c : candidates.entrySet()) {
            java.util.function.Function<Pair, String> f = c.getValue();
            if (rules == null && !scored.isEmpty() && scored.stream().allMatch(p -> p.pick().equals(f.apply(p)))) {
                rules = c.getKey();
            }
            StringBuilder row = new StringBuilder("| " + c.getKey() + " |");
            for (String split : List.of(SuiteSpec.CALIBRATION, SuiteSpec.HELD_OUT)) {
                List<Pair> ps = scored.stream().filter(p -> p.calibration() == SuiteSpec.CALIBRATION.equals(split)).toList();
                Map<String, List<Pair>> byTask = byTask(ps);
                java.util.function.ToDoubleFunction<Pair> whole = p -> {
                    String m = f.apply(p);
                    return m == null ? Double.NaN : p.wholePlanRegret(m);
                };
                java.util.function.ToDoubleFunction<Pair> choice = p -> {
                    String m = f.apply(p);
                    return m == null ? Double.NaN : p.regret(m);
                };
                double reg = meanOverTasks(byTask, whole);
                long within = byTask.values().stream().filter(l -> mean(l, choice) <= 1.0 + 1e-9).count();
                row.append(' ').append(withWorst(byTask, whole)).append(String.format(Locale.ROOT, " | %s (%d of %d) |",
                        fmt(meanOverTasks(byTask, choice)), within, byTask.size()));
                // only a candidate defined on every calibration run can be chosen: one scored on fewer runs is not comparable
                boolean everyRun = ps.stream().allMatch(p -> f.apply(p) != null);
                if (split.equals(SuiteSpec.CALIBRATION) && !Double.isNaN(reg) && everyRun
                        && (chosen == null ? true : reg < chosenRegret - SuiteReport.TIE_POINTS)) {
                    chosenRegret = reg;
                    chosen = c.getKey();
                }
            }
            md.append(row).append('\n');
        }
        List<Pair> tried = scored.stream().filter(p -> !Double.isNaN(p.trialSeconds())).toList();
        if (!tried.isEmpty()) {
            double trial = tried.stream().mapToDouble(Pair::trialSeconds).average().orElse(Double.NaN);
            double probe = tried.stream().mapToDouble(Pair::probeSeconds).average().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "%nThe short trial's cost (%d runs with every model's trial): %.1f s per run for every model's %d folds, "
                    + "against %.1f s for their probes (%.1fx); a candidate asks it only under its lead.%n", tried.size(), trial, SuiteRunner.FOLDS,
                    probe, trial / probe));
        }
        if (chosen == null) {
            return md.append("\nNo calibration run has its advised plans trained yet.\n").toString();
        }
        String taken = chosen;
        if (!chosen.equals(incumbent)) {
            java.util.function.Function<Pair, String> f = candidates.get(chosen);
            java.util.function.Function<Pair, String> inc = candidates.get(incumbent);
            double[] perTask = byTask(scored.stream().filter(Pair::calibration).toList()).values().stream()
                    .mapToDouble(l -> mean(l, p -> f.apply(p) == null || inc.apply(p) == null ? Double.NaN
                            : p.wholePlanRegret(inc.apply(p)) - p.wholePlanRegret(f.apply(p))))
                    .filter(v -> !Double.isNaN(v)).toArray();
            double[] ci = SuiteAnalysis.bootstrap(perTask, 2000, 12345);
            boolean enough = ci[0] > 0;
            md.append(String.format(Locale.ROOT, "%nLowest on calibration: %s (%.2f points); its gain over %s, paired by task, %+.2f [%+.2f, %+.2f] points: %s.",
                    chosen, chosenRegret, incumbent, SuiteAnalysis.mean(perTask), ci[0], ci[1],
                    enough ? "above zero, taken" : "the interval reaches zero, so " + incumbent + " stays"));
            if (!enough) {
                taken = incumbent;
            }
        }
        return md.append(chosenLine(taken, rules == null ? "none of these" : rules)).toString();
    }

    /** The row name of the candidate that never ensembles. */
    static final String NEVER_GAP = "never (-1)";

    /** "mean (worst task)" over tasks, or "n/a (-)" without runs. */
    private static String withWorst(Map<String, List<Pair>> byTask, java.util.function.ToDoubleFunction<Pair> f) {
        double worst = byTask.values().stream().mapToDouble(l -> mean(l, f)).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        return fmt(meanOverTasks(byTask, f)) + " (" + (Double.isNaN(worst) ? "-" : String.format(Locale.ROOT, "%.1f", worst)) + ")";
    }

    /** The ensemble.maxProbeGap values tried on the calibration runs (points; -1 never ensembles, 100 always does). */
    static final double[] GAPS = {-1, 0.5, 1, 2, 3, 5, 8, 12, 20, 100};

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static Map<String, List<Pair>> byTask(List<Pair> ps) {
        Map<String, List<Pair>> m = new LinkedHashMap<>();
        for (Pair p : ps) {
            m.computeIfAbsent(p.task().id(), k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    /** Mean over the runs whose value is a number; NaN when none is. */
    static double mean(List<Pair> l, java.util.function.ToDoubleFunction<Pair> f) {
        return l.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    static double meanOverTasks(Map<String, List<Pair>> byTask, java.util.function.ToDoubleFunction<Pair> f) {
        return byTask.values().stream().mapToDouble(l -> mean(l, f)).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }
}

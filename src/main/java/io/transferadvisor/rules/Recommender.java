package io.transferadvisor.rules;

import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.CollectMore;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.RuleBase.Evaluation;
import io.transferadvisor.rules.facts.AugmentationChoice;
import io.transferadvisor.rules.facts.BatchNormChoice;
import io.transferadvisor.rules.facts.BatchSize;
import io.transferadvisor.rules.facts.ClassWeights;
import io.transferadvisor.rules.facts.CollectMoreAdvice;
import io.transferadvisor.rules.facts.Cutoff;
import io.transferadvisor.rules.facts.LearningRates;
import io.transferadvisor.rules.facts.MemberPlan;
import io.transferadvisor.rules.facts.MemberRequest;
import io.transferadvisor.rules.facts.ModelCandidate;
import io.transferadvisor.rules.facts.ModelPick;
import io.transferadvisor.rules.facts.Preferences;
import io.transferadvisor.rules.facts.Schedule;
import io.transferadvisor.rules.facts.StrategyChoice;
import io.transferadvisor.rules.facts.WeightDecay;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Profiles in, plan and audit out: runs the rule base once per pretrained model, then the
 * model-selection stage, assembles the Plan from the decision facts (checking there is exactly one
 * of each), and searches the counterfactuals. Stateless apart from the immutable RuleBase.
 */
public final class Recommender {

    /**
     * What the user asked for, besides the profiles.
     *
     * @param dataset       dataset.yaml path as it should appear in the plan (relative to the plan file)
     * @param budgetMinutes wall-clock budget of the execution (dataset.yaml budget.minutes)
     * @param maxEpochs     epoch cap from dataset.yaml (0 = none)
     * @param seed          seed recorded in the plan
     * @param modelShas     model name -> SHA-256 of its weights, where known
     * @param options       options that influenced the decision (recorded in the audit)
     */
    public record Request(String dataset, double budgetMinutes, int maxEpochs, long seed, Map<String, String> modelShas,
                          Map<String, String> options) {
        public Request {
            if (!(budgetMinutes > 0)) {
                throw new RulesException("budget " + budgetMinutes + " minutes must be > 0");
            }
            if (maxEpochs < 0) {
                throw new RulesException("maxEpochs " + maxEpochs + " must be >= 0 (0 = no cap)");
            }
            modelShas = modelShas == null ? Map.of() : Map.copyOf(modelShas);
            options = options == null ? Map.of() : new java.util.TreeMap<>(options);
        }

        public static Request defaults(String dataset) {
            return new Request(dataset, 30.0, 0, 42L, Map.of(), Map.of());
        }
    }

    /** The result the CLI and the executor use. */
    public record Recommendation(Plan plan, Audit audit, List<DatasetProfile> profiles) {}

    /** One model's evaluation and the plan assembled from it. */
    public record ModelRun(DatasetProfile profile, Evaluation evaluation, Plan plan) {}

    /**
     * The rules' decision without the audit's extras (fast; used by checks and counterfactuals).
     * {@code members} holds the evaluations that assembled the extra members of an ENSEMBLE of one
     * model's plans (guards.drl ensemble-plans), in member order; empty otherwise.
     */
    public record Decision(Plan plan, List<ModelRun> runs, Evaluation selection, List<ModelRun> members) {
        public ModelRun run(String model) {
            return runs.stream().filter(r -> r.profile().model().equals(model)).findFirst().orElse(runs.get(0));
        }
    }

    /** A plan, or the reasons there is none (gaps, conflicts). */
    public record Assembly(Plan plan, List<String> problems) {}

    private final RuleBase rules;

    public Recommender(RuleBase rules) {
        this.rules = rules;
    }

    public RuleBase rules() {
        return rules;
    }

    /** Full recommendation: decision, counterfactuals and audit. */
    public Recommendation recommend(List<DatasetProfile> profiles, Request request) {
        long t0 = System.nanoTime();
        Decision d = decide(profiles, request);
        List<Audit.Counterfactual> cfs = Counterfactuals.find(this, profiles, request, d.plan());
        double millis = (System.nanoTime() - t0) / 1e6;
        Audit audit = AuditBuilder.build(rules, profiles, request, d, cfs, millis);
        return new Recommendation(d.plan(), audit, List.copyOf(profiles));
    }

    /** Runs the rules and assembles the plan; RulesException on a gap or conflict in the rules. */
    public Decision decide(List<DatasetProfile> profiles, Request request) {
        if (profiles.isEmpty()) {
            throw new RulesException("no profile to recommend from; run 'advisor profile' or pass --profile");
        }
        List<ModelRun> runs = new ArrayList<>();
        for (DatasetProfile p : profiles) {
            Evaluation e = rules.evaluate(FactsBuilder.observed(p, profiles.size(), request.budgetMinutes()));
            Assembly a = assemble(e, p, request);
            if (!a.problems().isEmpty()) {
                throw new RulesException("rules in " + rules.dir() + " " + String.join("; ", a.problems())
                        + " for " + describe(p) + "; fix the rules and run 'advisor rules check'");
            }
            runs.add(new ModelRun(p, e, a.plan()));
        }
        Evaluation selection = rules.evaluate(selectionFacts(runs, request));
        Assembly chosen = select(runs, selection, request);
        if (!chosen.problems().isEmpty()) {
            throw new RulesException("model selection rules " + String.join("; ", chosen.problems())
                    + "; fix models.drl and run 'advisor rules check'");
        }
        List<ModelRun> members = new ArrayList<>();
        Plan plan = withMembers(chosen.plan(), runs, request, members);
        return new Decision(plan, List.copyOf(runs), selection, List.copyOf(members));
    }

    /**
     * The chosen single-model plan, or, where its evaluation asked for more members of the same
     * model (MemberPlan facts, in the order the rules inserted them), an ENSEMBLE of it and those
     * members. Each member is the plan the rules give when evaluated again with a MemberRequest
     * for it: its cut and hyperparameters come from the rules as for a plan of its own.
     */
    private Plan withMembers(Plan plan, List<ModelRun> runs, Request request, List<ModelRun> out) {
        ModelRun run = runs.stream().filter(r -> r.profile().model().equals(plan.models().get(0))).findFirst().orElseThrow();
        List<MemberPlan> asks = new ArrayList<>();
        for (RuleBase.RawFiring f : run.evaluation().firings()) {
            for (Object o : f.inserted()) {
                if (o instanceof MemberPlan m) {
                    asks.add(m);
                }
            }
        }
        if (asks.isEmpty()) {
            return plan;
        }
        List<Plan> plans = new ArrayList<>(List.of(plan));
        for (MemberPlan m : asks) {
            // the member's evaluation sees what the model's own did: one run per profile
            List<Object> facts = new ArrayList<>(FactsBuilder.observed(run.profile(), runs.size(), request.budgetMinutes()));
            facts.add(new MemberRequest(m.strategy(), m.head(), m.growBlocks(), m.cutIndex()));
            Evaluation e = rules.evaluate(facts);
            Assembly a = assemble(e, run.profile(), request);
            if (!a.problems().isEmpty()) {
                throw new RulesException("rules in " + rules.dir() + " " + String.join("; ", a.problems()) + " for the ensemble member " + m
                        + " of " + describe(run.profile()) + "; fix the rules and run 'advisor rules check'");
            }
            if (a.plan().strategy() != m.strategy()) {
                throw new RulesException("rules in " + rules.dir() + " assembled " + a.plan().strategy() + " for the ensemble member " + m
                        + " of " + describe(run.profile()) + " (a MemberRequest must be proposed above every other strategy); fix the rules");
            }
            plans.add(a.plan());
            out.add(new ModelRun(run.profile(), e, a.plan()));
        }
        return new Plan(Plan.SCHEMA_VERSION, request.dataset(), List.of(plan.models().get(0)), Strategy.ENSEMBLE, null,
                HeadType.SOFTMAX, 0, plan.hyperparameters(), plan.collectMore(), plans, request.seed(), request.budgetMinutes(), List.of());
    }

    static String describe(DatasetProfile p) {
        return String.format(Locale.ROOT, "profile %s/%s (%d images, %d classes, similarity %.2f)",
                p.dataset(), p.model(), p.size().images(), p.size().classes(), p.similarity());
    }

    static List<Object> selectionFacts(List<ModelRun> runs, Request request) {
        List<ModelRun> ranked = new ArrayList<>(runs);
        ranked.sort(Comparator.comparingDouble((ModelRun r) -> -bestScore(r.profile())[0]).thenComparing(r -> r.profile().model()));
        List<Object> facts = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            ModelRun r = ranked.get(i);
            double[] s = bestScore(r.profile());
            facts.add(new ModelCandidate(r.profile().model(), r.plan().strategy(), s[0], s[1], s[2], i, r.profile().similarity(), bestLogme(r.profile()),
                    sourceConfidence(r.profile())));
        }
        facts.add(new Preferences(runs.size(), request.budgetMinutes()));
        return facts;
    }

    /** The highest LogME per sample over the profile's layers; NaN when it has none. */
    public static double bestLogme(DatasetProfile p) {
        return p.layers().stream().filter(l -> l.logme() != null).mapToDouble(l -> l.logme().value()).max().orElse(Double.NaN);
    }

    /** The source classifier's mean maximum probability on the target; NaN when the profile has no source view. */
    public static double sourceConfidence(DatasetProfile p) {
        return p.sourceView() == null ? Double.NaN : p.sourceView().meanMaxSoftmax();
    }

    /** The best layer's probe accuracy [value, low, high]. */
    public static double[] bestScore(DatasetProfile p) {
        double[] best = {Double.NEGATIVE_INFINITY, 0, 0};
        for (DatasetProfile.LayerProbe l : p.layers()) {
            if (l.probeAccuracy() != null && l.probeAccuracy().value() > best[0]) {
                best = new double[] {l.probeAccuracy().value(), l.probeAccuracy().low(), l.probeAccuracy().high()};
            }
        }
        return best[0] == Double.NEGATIVE_INFINITY ? new double[] {0, 0, 0} : best;
    }

    Assembly select(List<ModelRun> runs, Evaluation selection, Request request) {
        List<String> problems = new ArrayList<>();
        List<ModelPick> picks = selection.all(ModelPick.class);
        if (picks.size() != 1) {
            problems.add("chose " + picks.size() + " model(s); expected exactly one");
            return new Assembly(null, problems);
        }
        String m = picks.get(0).model();
        return new Assembly(runs.stream().filter(r -> r.profile().model().equals(m)).findFirst().orElseThrow().plan(), problems);
    }

    /** Builds one model's plan from the decision facts; reports gaps (none) and conflicts (several). */
    public static Assembly assemble(Evaluation e, DatasetProfile profile, Request request) {
        List<String> problems = new ArrayList<>();
        StrategyChoice choice = one(e, StrategyChoice.class, "strategy", problems);
        LearningRates lr = one(e, LearningRates.class, "learning rates", problems);
        Schedule schedule = one(e, Schedule.class, "schedule", problems);
        BatchSize batch = one(e, BatchSize.class, "batch size", problems);
        WeightDecay wd = one(e, WeightDecay.class, "weight decay", problems);
        BatchNormChoice bn = one(e, BatchNormChoice.class, "batch-norm policy", problems);
        AugmentationChoice aug = one(e, AugmentationChoice.class, "augmentation", problems);
        ClassWeights cw = one(e, ClassWeights.class, "class weighting", problems);
        List<Cutoff> cutoffs = e.all(Cutoff.class);
        List<CollectMoreAdvice> more = e.all(CollectMoreAdvice.class);
        if (more.size() > 1) {
            problems.add("gave " + more.size() + " collect-more advices; expected at most one");
        }
        String cutoff = null;
        if (choice != null) {
            boolean needs = choice.strategy().needsCutoff();
            if (needs && cutoffs.size() != 1) {
                problems.add((cutoffs.isEmpty() ? "chose no cutoff" : "chose " + cutoffs.size() + " cutoffs " + cutoffs.stream().map(Cutoff::layer).toList())
                        + " for " + choice.strategy() + ", which needs exactly one");
            } else if (!needs && !cutoffs.isEmpty()) {
                problems.add("chose cutoff " + cutoffs.get(0).layer() + " for " + choice.strategy() + ", which takes none");
            } else if (needs) {
                cutoff = cutoffs.get(0).layer();
                String c = cutoff;
                if (profile.layers().stream().noneMatch(l -> l.layer().equals(c))) {
                    problems.add("chose cutoff '" + c + "', which is not a candidate layer of " + profile.model());
                }
            }
        }
        if (!problems.isEmpty()) {
            return new Assembly(null, problems);
        }
        int maxEpochs = request.maxEpochs() > 0 ? Math.min(schedule.maxEpochs(), request.maxEpochs()) : schedule.maxEpochs();
        int patience = Math.min(schedule.patience(), maxEpochs);
        Hyperparameters hp = new Hyperparameters(lr.head(), lr.backbone(), maxEpochs, patience, batch.size(), wd.value(), bn.policy(),
                new Augmentation(aug.horizontalFlip(), aug.maxShiftPixels(), aug.cropFraction()), cw.weighting());
        CollectMore cm = null;
        if (!more.isEmpty()) {
            CollectMoreAdvice a = more.get(0);
            String basis = profile.sufficiency() == null ? "learning curve" : "linear-probe learning curve "
                    + (profile.sufficiency().model() == null ? "" : profile.sufficiency().model() + " ")
                    + "extrapolated to twice the labels";
            cm = new CollectMore(a.extraPerClass(), round2(a.gainPoints()), round2(a.gainLow()), round2(a.gainHigh()), basis);
        }
        Plan plan = new Plan(Plan.SCHEMA_VERSION, request.dataset(), List.of(profile.model()), choice.strategy(), cutoff, choice.head(),
                choice.growBlocks(), hp, cm, List.of(), request.seed(), request.budgetMinutes(), List.of());
        return new Assembly(plan, problems);
    }

    static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static <T> T one(Evaluation e, Class<T> type, String what, List<String> problems) {
        List<T> all = e.all(type);
        if (all.size() == 1) {
            return all.get(0);
        }
        if (all.isEmpty()) {
            problems.add("chose no " + what + " (a gap)");
        } else {
            problems.add("chose " + all.size() + " different " + what + " " + all + " (a conflict)");
        }
        return null;
    }

    /** Short text of a plan's decision: "FINETUNE_ABOVE b3_relu", "LINEAR_FROZEN b4_relu SVM". */
    public static String signature(Plan p) {
        StringBuilder sb = new StringBuilder(p.strategy().name());
        if (p.cutoffLayer() != null) {
            sb.append(' ').append(p.cutoffLayer());
        }
        if (p.head() == HeadType.SVM) {
            sb.append(" (SVM head)");
        }
        if (p.strategy() == Strategy.TRUNCATE_GROW) {
            sb.append(" +").append(p.growBlocks()).append(" block(s)");
        }
        if (p.strategy() == Strategy.ENSEMBLE) {
            if (ofOneModel(p)) {
                sb.append(" of ").append(String.join(" + ", p.ensembleMembers().stream().map(Recommender::signature).toList()));
            } else {
                sb.append(" of ").append(String.join(", ", p.models()));
            }
        }
        return sb.toString();
    }

    /** An ENSEMBLE of one model's plans (guards.drl ensemble-plans), not of several models (models.drl). */
    public static boolean ofOneModel(Plan p) {
        return p.strategy() == Strategy.ENSEMBLE && p.models().stream().distinct().count() == 1;
    }

    /** An ENSEMBLE of several models (the model-selection stage's ensemble), not of one model's plans. */
    public static boolean ofSeveralModels(Plan p) {
        return p.strategy() == Strategy.ENSEMBLE && !ofOneModel(p);
    }
}

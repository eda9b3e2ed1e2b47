package io.transferadvisor.rules;

import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The short explanation a person reads (explain's default view, the report): the decision, the
 * reasons that carried it in the user's own numbers next to the threshold each crossed, what would
 * change it, one line per alternative, and every value a rule set that was changed later. Built
 * from a saved {@link Audit} alone, so it works on any plan's audit.json. Calibration evidence is a
 * pointer into docs/benchmarks, never quoted as if it were the user's data.
 *
 * @param decision     one line: strategy, model, cut, head
 * @param reasons      3-5 reasons, each with the user's values and the rule's threshold
 * @param adjustments  values a rule set that the plan does not carry, with what changed them
 * @param wouldChange  nearest changes of the inputs that change the decision
 * @param alternatives one line per strategy not taken: why not
 * @param notes        advice that does not change the plan
 * <p>
 * Why over 400 lines: one reason builder per kind of evidence (size, similarity, labels, the measured
 * plan trial, strategy, cut, adjustments, alternatives), each reading the audit, kept in one file so
 * the ~30-line view reads in one voice.
 */
public record Explanation(String decision, List<String> reasons, List<String> adjustments, List<String> wouldChange,
                          List<String> alternatives, List<String> notes) {

    /** Where the thresholds were calibrated (the project's own benchmark runs, not the user's data). */
    public static final String CALIBRATION = "docs/benchmarks/suite.md";

    public Explanation {
        reasons = List.copyOf(reasons);
        adjustments = List.copyOf(adjustments);
        wouldChange = List.copyOf(wouldChange);
        alternatives = List.copyOf(alternatives);
        notes = List.copyOf(notes);
    }

    public static Explanation of(Audit a) {
        Plan plan = a.plan();
        Audit.ModelTrace t = primary(a);
        List<String> reasons = new ArrayList<>();
        List<String> adjustments = new ArrayList<>();
        if (t != null) {
            reasons.addAll(reasons(t, plan));
            adjustments.addAll(adjustments(a, t, plan));
        }
        String selection = selectionReason(a);
        if (selection != null) {
            reasons.add(0, selection);
        }
        List<String> change = new ArrayList<>();
        a.counterfactuals().forEach(c -> change.add(c.text()));
        for (String o : plan.overrides()) {
            adjustments.add("set on the command line: " + o);
        }
        return new Explanation(decision(plan), reasons, adjustments, change, alternatives(a), a.notes());
    }

    /** At most about 30 lines. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("decision: " + decision);
        out.add("");
        out.add("why (your numbers, and the rule's threshold in brackets):");
        for (int i = 0; i < reasons.size(); i++) {
            out.add("  " + (i + 1) + ". " + reasons.get(i));
        }
        if (!adjustments.isEmpty()) {
            out.add("");
            out.add("values changed after a rule set them:");
            adjustments.forEach(x -> out.add("  - " + x));
        }
        out.add("");
        out.add("what would change it:");
        if (wouldChange.isEmpty()) {
            out.add("  nothing within the searched range (images x1/1.5^14 .. x1.5^14, similarity 0..1, unlabelled pool, imbalance)");
        }
        wouldChange.forEach(x -> out.add("  - " + x));
        out.add("");
        out.add("not chosen:");
        alternatives.forEach(x -> out.add("  - " + x));
        notes.forEach(n -> out.add("note: " + n));
        out.add("");
        out.add("The thresholds were calibrated on the project's benchmark datasets (" + CALIBRATION + "), not on yours.");
        out.add("Full trace: advisor explain --full PLAN; audit as JSON: --json.");
        return out;
    }

    static String decision(Plan p) {
        StringBuilder b = new StringBuilder(p.strategy().name()).append(" (").append(p.strategy().description()).append(")");
        if (Recommender.ofOneModel(p)) {
            return b.append(" of ").append(String.join(" + ", p.ensembleMembers().stream().map(Recommender::signature).toList()))
                    .append(" on ").append(p.models().get(0)).toString();
        }
        if (p.strategy() == Strategy.ENSEMBLE) {
            return b.append(" of ").append(String.join(", ", p.models())).toString();
        }
        b.append(" on ").append(String.join(", ", p.models()));
        if (p.cutoffLayer() != null) {
            b.append(p.strategy().needsCutoff() && p.strategy() != Strategy.LINEAR_FROZEN && p.strategy() != Strategy.LINEAR_EARLIER
                    ? ", frozen up to and including " : ", features of ").append(p.cutoffLayer());
        }
        b.append(", ").append(p.head()).append(" head");
        if (p.growBlocks() > 0) {
            b.append(", +").append(p.growBlocks()).append(" new block(s)");
        }
        return b.toString();
    }

    private static Audit.ModelTrace primary(Audit a) {
        if (a.traces().isEmpty()) {
            return null;
        }
        String model = a.plan().strategy() == Strategy.ENSEMBLE && !a.plan().ensembleMembers().isEmpty()
                ? a.plan().ensembleMembers().get(0).models().get(0) : a.plan().models().get(0);
        return a.traces().stream().filter(t -> t.model().equals(model)).findFirst().orElse(a.traces().get(0));
    }

    // ---- reasons ----------------------------------------------------------------------------------

    private static List<String> reasons(Audit.ModelTrace t, Plan plan) {
        List<String> out = new ArrayList<>();
        Audit.Firing size = firingInserting(t, "SizeClass");
        if (size != null) {
            Map<String, Object> s = inserted(size, "SizeClass");
            out.add(String.format(Locale.ROOT, "%s data: %s training images per class, %s per 1k trainable parameters [%s]",
                    s.get("level"), num(s.get("trainPerClass")), num(s.get("imagesPer1kParams")), threshold(size)));
        }
        Audit.Firing sim = firingInserting(t, "SimilarityClass");
        if (sim != null) {
            Map<String, Object> s = inserted(sim, "SimilarityClass");
            Map<String, Object> domain = observed(t, "DomainFacts");
            out.add(String.format(Locale.ROOT, "%s similarity to the source data: %s overall, %s at the top layer%s [%s]",
                    s.get("level"), num(s.get("similarity")), num(s.get("topLayerSimilarity")),
                    domain == null ? "" : " " + domain.get("topLayer"), threshold(sim)));
        }
        Audit.Firing labels = firingInserting(t, "NewLabels");
        if (labels == null) {
            labels = firingInserting(t, "LabelOverlap");
        }
        if (labels != null) {
            Map<String, Object> l = labels.inserted().get(0).values();
            boolean fresh = labels.inserted().get(0).type().equals("NewLabels");
            out.add(String.format(Locale.ROOT, "%s: label overlap %s with the source classes [%s]",
                    fresh ? "new labels" : "known labels", num(l.get("overlap")), threshold(labels)));
        }
        String members = memberReason(t, plan);
        if (members != null) {
            out.add(members);
        }
        Audit.Firing familiar = firingInserting(t, "FamiliarDomain");
        if (familiar != null) {
            Map<String, Object> f = inserted(familiar, "FamiliarDomain");
            out.add("a familiar domain: similarity " + num(f.get("similarity")) + " reaches similarity.familiar (" + num(f.get("threshold"))
                    + "), so two plans, fine-tuning above the cut just below the top and a softmax head on the frozen top cut, instead of the"
                    + " larger ENSEMBLE of this model's plans (ensemble-plans), which trailed the fine-tuning on the suite's calibration tasks where"
                    + " the model's deep features already fit; the linear head beside it gained 0.59 points per task on calibration and 1.16 on"
                    + " six held-out tasks (docs/benchmarks/familiar-pair.md) ["
                    + familiar.rule() + ": similarity >= " + num(f.get("threshold")) + ", TINY or SMALL data]");
        }
        String strategy = strategyReason(t, plan);
        if (strategy != null) {
            out.add(strategy);
        }
        String cut = cutReason(t, plan);
        if (cut != null) {
            out.add(cut);
        }
        return out;
    }

    /** Several models: the one taken, with the probe scores that decided it. */
    private static String selectionReason(Audit a) {
        for (Audit.Firing f : a.selection()) {
            Map<String, Object> e = f.evidence();
            if (f.rule().equals("models-pick-most-similar")) {
                List<String> others = a.selection().stream().filter(x -> x.rule().equals("models-reject-less-similar"))
                        .map(x -> x.evidence().get("$model") + "'s " + num(x.evidence().get("$sim")) + " (probe " + num(x.evidence().get("$score")) + ")")
                        .toList();
                return e.get("$best") + " alone: the target reads as closest to its source domain, overall similarity " + num(e.get("$sim"))
                        + " (probe " + num(e.get("$score")) + ")" + (others.isEmpty() ? "" : " against " + String.join(", ", others))
                        + "; on the suite's calibration tasks the most similar model lost less than the best probe accuracy [" + threshold(f) + "]";
            }
            if (f.rule().equals("models-pick-confident-close-call")) {
                return e.get("$best") + " alone: a close call on overall similarity (" + num(e.get("$sim")) + " against " + e.get("$lead") + "'s "
                        + num(e.get("$leadSim")) + ", within models.closeCall " + num(e.get("$close")) + "), broken by the source classifier, which is the more confident on "
                        + e.get("$best") + "'s side (" + num(e.get("$conf")) + " against " + num(e.get("$leadConf")) + "); on the suite's calibration tasks this lost "
                        + "less than similarity alone on close calls [" + threshold(f) + "]";
            }
        }
        return null;
    }

    /** An ENSEMBLE of one model's plans: which rule asked for the members, on what evidence, and what it costs. */
    private static String memberReason(Audit.ModelTrace t, Plan plan) {
        if (!Recommender.ofOneModel(plan)) {
            return null;
        }
        List<String> asked = t.firings().stream().filter(x -> x.inserted().stream().anyMatch(v -> v.type().equals("MemberPlan")))
                .map(Audit.Firing::rule).distinct().toList();
        int n = plan.ensembleMembers().size();
        long heads = plan.ensembleMembers().stream().filter(m -> m.strategy() == Strategy.LINEAR_FROZEN).count();
        boolean familiar = firingInserting(t, "FamiliarDomain") != null;
        return "ENSEMBLE of this model's plans: " + String.join(", ", plan.ensembleMembers().stream().map(Recommender::signature).toList())
                + " are trained and their probabilities averaged, since "
                + (familiar ? "on a familiar domain the average lost less to the suite's oracle than the fine-tuning alone"
                        : "nothing measured before training tells them apart")
                + "; cost: " + n + " networks to train and to run on every image, about " + n + "x one plan's time"
                + (heads == 0 ? "" : " or less (" + (heads == 1 ? "one of them a linear head" : heads + " of them linear heads") + " on the frozen features, the cheapest to train)")
                + (asked.isEmpty() ? "" : " [" + String.join(", ", asked) + "]");
    }

    /** Which proposal won and over what. */
    private static String strategyReason(Audit.ModelTrace t, Plan plan) {
        List<Audit.Firing> proposals = t.firings().stream().filter(f -> f.inserted().stream().anyMatch(v -> v.type().equals("Proposal"))).toList();
        if (proposals.isEmpty()) {
            return null;
        }
        Audit.Firing winner = proposals.get(0);
        int best = Integer.MIN_VALUE;
        for (Audit.Firing f : proposals) {
            int p = intOf(inserted(f, "Proposal").get("priority"));
            if (p > best) {
                best = p;
                winner = f;
            }
        }
        String chosen = String.valueOf(inserted(winner, "Proposal").get("strategy"));
        StringBuilder b = new StringBuilder("so ").append(chosen);
        StringBuilder outranked = new StringBuilder();
        for (Audit.Firing f : proposals) {
            if (f != winner) {
                Map<String, Object> p = inserted(f, "Proposal");
                // an outranked proposal of the same strategy (the matrix cell's, under an ensemble of plans) is not an alternative
                b.append(String.valueOf(p.get("strategy")).equals(chosen) ? ", outranking the same strategy from " : ", not " + p.get("strategy") + " from ")
                        .append(f.rule());
                outranked.append(": priority ").append(best).append(" > ").append(p.get("priority"));
            }
        }
        return b.append(": ").append(firstSentence(winner.rationale())).append(" [").append(winner.rule()).append(outranked).append("]").toString();
    }

    /** The cut with the probe's numbers: the best layer's interval and the cut layer's similarity. */
    private static String cutReason(Audit.ModelTrace t, Plan plan) {
        if (plan.cutoffLayer() == null) {
            return null;
        }
        Audit.Firing f = firingInserting(t, "Cutoff");
        Map<String, Object> cut = layer(t, plan.cutoffLayer());
        Map<String, Object> best = derived(t, "BestLayer");
        List<String> competitive = t.derived().stream().filter(v -> v.type().equals("CompetitiveLayer"))
                .map(v -> String.valueOf(v.values().get("layer"))).toList();
        StringBuilder b = new StringBuilder("cut at ").append(plan.cutoffLayer());
        if (cut != null) {
            b.append(" (similarity to source ").append(num(cut.get("similarity"))).append(")");
        }
        if (f != null) {
            b.append(": ").append(inserted(f, "Cutoff").get("basis"));
        }
        if (best != null) {
            Map<String, Object> bl = layer(t, String.valueOf(best.get("layer")));
            b.append(". Probe: best layer ").append(best.get("layer")).append(" ").append(num(best.get("accuracy")));
            if (bl != null) {
                b.append(" (95% interval ").append(num(bl.get("accuracyLow"))).append("-").append(num(bl.get("accuracyHigh"))).append(")");
            }
            if (!competitive.isEmpty()) {
                b.append("; layers within that interval (\"competitive\"): ").append(String.join(", ", competitive));
            }
        }
        if (f != null) {
            b.append(" [").append(f.rule()).append("]");
        }
        return b.toString();
    }

    // ---- adjustments ------------------------------------------------------------------------------

    private static List<String> adjustments(Audit a, Audit.ModelTrace t, Plan plan) {
        List<String> out = new ArrayList<>();
        if (plan.strategy() == Strategy.ENSEMBLE) {
            if (!Recommender.ofOneModel(plan)) {
                return out;
            }
            // an ENSEMBLE of one model's plans: each member against its own trace (the first member's is the model's);
            // a change common to every member (the budget's epoch cap) is said once
            java.util.Set<String> lines = new java.util.LinkedHashSet<>();
            List<Plan> members = plan.ensembleMembers();
            for (int i = 0; i < members.size(); i++) {
                String prefix = AuditBuilder.memberTrace(t.model(), i + 1);
                Audit.ModelTrace mt = i == 0 ? t : a.traces().stream().filter(x -> x.model().startsWith(prefix)).findFirst().orElse(null);
                if (mt != null) {
                    lines.addAll(adjustments(a, mt, members.get(i)));
                }
            }
            out.addAll(lines);
            return out;
        }
        Hyperparameters h = plan.hyperparameters();
        String cap = a.inputs().options().get("maxEpochs");
        Audit.Firing schedule = firingInserting(t, "Schedule");
        if (schedule != null) {
            Map<String, Object> s = inserted(schedule, "Schedule");
            int ruleEpochs = intOf(s.get("maxEpochs"));
            int rulePatience = intOf(s.get("patience"));
            if (ruleEpochs != h.maxEpochs()) {
                out.add("max epochs " + ruleEpochs + " (" + schedule.rule() + ") -> " + h.maxEpochs() + ": "
                        + (cap != null && cap.equals(String.valueOf(h.maxEpochs()))
                        ? "capped by the dataset's budget.max_epochs = " + cap
                        : "set in the plan file after the recommendation"));
            }
            if (rulePatience != h.patience()) {
                out.add("patience " + rulePatience + " (" + schedule.rule() + ") -> " + h.patience() + ": "
                        + (h.patience() == h.maxEpochs() ? "patience cannot exceed max epochs" : "set in the plan file after the recommendation"));
            }
        }
        compare(out, t, "LearningRates", "head", "head learning rate", h.headLearningRate());
        compare(out, t, "LearningRates", "backbone", "backbone learning rate", h.backboneLearningRate());
        compare(out, t, "BatchSize", "size", "batch size", h.batchSize());
        compare(out, t, "WeightDecay", "value", "weight decay", h.weightDecay());
        return out;
    }

    private static void compare(List<String> out, Audit.ModelTrace t, String type, String field, String label, double actual) {
        Audit.Firing f = firingInserting(t, type);
        if (f == null) {
            return;
        }
        Object v = inserted(f, type).get(field);
        if (v instanceof Number n && Math.abs(n.doubleValue() - actual) > 1e-12 * Math.max(1, Math.abs(actual))) {
            out.add(label + " " + num(n) + " (" + f.rule() + ") -> " + num(actual) + ": set in the plan file after the recommendation");
        }
    }

    // ---- alternatives -----------------------------------------------------------------------------

    /** One line per strategy (or model) not taken; the most specific rule's reason, duplicates dropped. */
    static List<String> alternatives(Audit a) {
        Map<String, Audit.Rejection> chosen = new LinkedHashMap<>();
        for (Audit.Rejection r : a.rejected()) {
            // the model-selection stage rejects strategies for no one model: ENSEMBLE there is the ensemble of the models
            String key = r.strategy() == null ? "model " + r.model() : r.model() == null ? r.strategy().name() + " of models" : r.strategy().name();
            Audit.Rejection old = chosen.get(key);
            if (old == null || (generic(old.rule()) && !generic(r.rule()))) {
                chosen.put(key, r);
            }
        }
        // strategies rejected for the same reason by the same rule share one line
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (Map.Entry<String, Audit.Rejection> e : chosen.entrySet()) {
            byReason.computeIfAbsent(e.getValue().reason() + " [" + e.getValue().rule() + "]", k -> new ArrayList<>()).add(e.getKey());
        }
        List<String> out = new ArrayList<>();
        byReason.forEach((why, what) -> out.add(String.join(", ", what) + ": " + why));
        return out;
    }

    private static boolean generic(String rule) {
        return rule.equals("reject-outranked") || rule.equals("reject-by-matrix");
    }

    // ---- audit helpers ----------------------------------------------------------------------------

    private static Audit.Firing firingInserting(Audit.ModelTrace t, String type) {
        for (Audit.Firing f : t.firings()) {
            if (f.inserted().stream().anyMatch(v -> v.type().equals(type))) {
                return f;
            }
        }
        return null;
    }

    private static Map<String, Object> inserted(Audit.Firing f, String type) {
        return f.inserted().stream().filter(v -> v.type().equals(type)).findFirst().map(Audit.FactView::values).orElse(Map.of());
    }

    private static Map<String, Object> observed(Audit.ModelTrace t, String type) {
        return t.observed().stream().filter(v -> v.type().equals(type)).findFirst().map(Audit.FactView::values).orElse(null);
    }

    private static Map<String, Object> derived(Audit.ModelTrace t, String type) {
        return t.derived().stream().filter(v -> v.type().equals(type)).findFirst().map(Audit.FactView::values).orElse(null);
    }

    private static Map<String, Object> layer(Audit.ModelTrace t, String name) {
        return t.observed().stream().filter(v -> v.type().equals("LayerFacts") && Objects.equals(v.values().get("layer"), name))
                .findFirst().map(Audit.FactView::values).orElse(null);
    }

    /** The rule's condition on the observed or derived fact, e.g. "trainPerClass >= 20, trainPerClass < 200 || ...". */
    static String threshold(Audit.Firing f) {
        List<String> parts = new ArrayList<>();
        for (String c : f.conditions()) {
            int open = c.indexOf('(');
            if (c.startsWith("Threshold(")) {
                continue; // its value is substituted where the rule compares against it, below
            }
            if (open > 0 && c.endsWith(")") && c.length() > open + 2) {
                parts.add((c.startsWith("not ") ? "none with " : "") + withValues(c.substring(open + 1, c.length() - 1), f.evidence()));
            }
        }
        String text = parts.isEmpty() ? f.rule() : f.rule() + ": " + String.join("; ", parts);
        return text.replaceAll("(\\d)\\.0(?!\\d)", "$1");
    }

    /** "trainPerClass < $small" with the bound threshold's value: "trainPerClass < 20". */
    static String withValues(String condition, Map<String, Object> evidence) {
        String out = condition;
        for (Map.Entry<String, Object> e : evidence.entrySet()) {
            if (e.getKey().startsWith("$") && e.getValue() instanceof Number) {
                out = out.replaceAll(java.util.regex.Pattern.quote(e.getKey()) + "(?![A-Za-z0-9_])", java.util.regex.Matcher.quoteReplacement(num(e.getValue())));
            }
        }
        return out;
    }

    /** The rationale's first sentence: the rule's idea without its calibration numbers. */
    static String firstSentence(String s) {
        int i = s.indexOf(". ");
        String first = i < 0 ? s : s.substring(0, i + 1);
        int colon = first.indexOf(": ");
        return colon > 0 && colon < first.length() - 2 ? first.substring(colon + 2) : first;
    }

    private static int intOf(Object o) {
        return o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o));
    }

    /** Whole numbers as they are, others to at most 3 significant digits, never padded (0.89, 0.389, 0.05): what a person compares. */
    static String num(Object v) {
        if (!(v instanceof Number n)) {
            return String.valueOf(v);
        }
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e9) {
            return String.valueOf((long) d);
        }
        // at most three significant digits, never padded: BigDecimal.valueOf reads the double's shortest decimal form, so 0.05 prints
        // as the threshold table writes it (the exact binary value, 0.05000000000000000277..., printed "0.0500") and 0.6946 as 0.695
        return Math.abs(d) >= 1e-3 && Math.abs(d) < 1e4 ? java.math.BigDecimal.valueOf(d).round(new java.math.MathContext(3)).toPlainString()
                : String.format(Locale.ROOT, "%.2g", d);
    }
}

package io.transferadvisor.rules;

import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Plain-text renderings of plans and audits for `recommend` and `explain`. */
public final class AuditText {
    private AuditText() {}

    /** The plan in a few lines. */
    public static List<String> plan(Plan p) {
        List<String> out = new ArrayList<>();
        out.add("strategy:  " + p.strategy() + " (" + p.strategy().description() + ")");
        if (p.strategy() == Strategy.ENSEMBLE) {
            for (Plan m : p.ensembleMembers()) {
                out.add("  member:  " + m.models().get(0) + ": " + Recommender.signature(m));
            }
        } else {
            out.add("model:     " + String.join(", ", p.models()) + (p.cutoffLayer() == null ? "" : ", cut at " + p.cutoffLayer())
                    + ", head " + p.head() + (p.growBlocks() > 0 ? ", +" + p.growBlocks() + " new block(s)" : ""));
        }
        Hyperparameters h = p.hyperparameters();
        out.add(String.format(Locale.ROOT, "training:  lr head %s, backbone %s; up to %d epochs (patience %d), batch %d, weight decay %s",
                num(h.headLearningRate()), h.backboneLearningRate() == 0 ? "frozen" : num(h.backboneLearningRate()), h.maxEpochs(),
                h.patience(), h.batchSize(), num(h.weightDecay())));
        if (h.learningRateSchedule() != null) {
            out.add("           learning rates: " + h.learningRateSchedule().describe());
        }
        out.add("           batch norm " + h.batchNorm() + ", augmentation "
                + (h.augmentation().enabled() ? "shift " + h.augmentation().maxShiftPixels() + "px, crop " + num(h.augmentation().cropFraction())
                + (h.augmentation().horizontalFlip() ? ", flip" : "") : "none") + ", class weights " + h.classWeighting());
        if (p.collectMore() != null) {
            out.add(String.format(Locale.ROOT, "more data: +%d labels per class is predicted to add %.1f points (%.1f to %.1f)",
                    p.collectMore().extraPerClass(), p.collectMore().expectedGainPoints(), p.collectMore().gainLow(), p.collectMore().gainHigh()));
        }
        return out;
    }

    /** The full decision trace. */
    public static List<String> explain(Audit a) {
        List<String> out = new ArrayList<>();
        out.add("plan: " + Recommender.signature(a.plan()));
        plan(a.plan()).forEach(l -> out.add("  " + l));
        out.add("");
        out.add("The 'why' lines are the rules' rationales: their numbers come from the project's calibration runs ("
                + Explanation.CALIBRATION + "), not from your data; your values are on the 'evidence' lines.");
        Explanation e = Explanation.of(a);
        if (!e.adjustments().isEmpty()) {
            out.add("values changed after a rule set them:");
            e.adjustments().forEach(x -> out.add("  - " + x));
        }
        out.add("");
        out.add("inputs (reproducible):");
        out.add("  dataset " + a.inputs().dataset() + ", seed " + a.inputs().seed());
        for (Audit.ProfileInput p : a.inputs().profiles()) {
            out.add("  model " + p.model() + " sha256 " + shortHash(p.modelSha256()) + "; data " + shortHash(p.datasetHash())
                    + "; profile " + shortHash(p.profileHash()));
        }
        out.add("  rules " + shortHash(a.inputs().rulesHash()) + " (" + String.join(", ", a.inputs().ruleFiles()) + ")");
        if (!a.inputs().options().isEmpty()) {
            out.add("  options " + a.inputs().options());
        }
        if (a.run() != null) {
            out.add("run: " + a.run().time() + ", " + a.run().tool() + ", Java " + a.run().java() + ", " + a.run().os()
                    + String.format(Locale.ROOT, ", %.0f ms", a.run().millis()));
        }
        for (Audit.ModelTrace t : a.traces()) {
            out.add("");
            out.add("observed facts (" + t.model() + "):");
            t.observed().forEach(v -> out.add("  " + fact(v)));
            out.add("derived facts:");
            t.derived().forEach(v -> out.add("  " + fact(v)));
            bothShiftLabels(t, out);
            out.add("rules fired, in order:");
            firings(t.firings(), out);
        }
        if (a.traces().size() > 1 || !a.selection().isEmpty()) {
            out.add("");
            out.add("model selection:");
            firings(a.selection(), out);
        }
        out.add("");
        out.add("alternatives rejected:");
        for (Audit.Rejection r : a.rejected()) {
            out.add("  " + (r.strategy() == null ? "model " + r.model() : r.strategy()) + " - by " + r.rule() + ": " + r.reason());
        }
        if (!a.notes().isEmpty()) {
            out.add("notes:");
            a.notes().forEach(n -> out.add("  " + n));
        }
        out.add("");
        out.add("what would change the decision:");
        if (a.counterfactuals().isEmpty()) {
            out.add("  nothing within the searched range (images x1/1.5^14 .. x1.5^14, similarity 0..1, unlabelled pool, imbalance)");
        }
        a.counterfactuals().forEach(c -> out.add("  - " + c.text()));
        out.add("");
        out.add("main reasons (your numbers; the rule's threshold in brackets):");
        for (int i = 0; i < a.reasons().size(); i++) {
            out.add("  " + (i + 1) + ". " + a.reasons().get(i));
        }
        return out;
    }

    /** A layer can be low-shift (absolute test) and far-shifted (relative to the competitive layers) at once: say why. */
    private static void bothShiftLabels(Audit.ModelTrace t, List<String> out) {
        for (Audit.FactView far : t.derived()) {
            if (!far.type().equals("FarShiftedLayer")) {
                continue;
            }
            Object layer = far.values().get("layer");
            boolean low = t.derived().stream().anyMatch(v -> v.type().equals("LowShiftLayer") && layer.equals(v.values().get("layer")));
            if (low) {
                out.add("  note: " + layer + " is both LowShiftLayer (similarity " + val(far.values().get("similarity"))
                        + " passes the absolute low-shift test) and FarShiftedLayer (below the floor " + val(far.values().get("floor"))
                        + " set by the least-shifted competitive layer " + far.values().get("referenceLayer")
                        + "): close enough to the source to freeze, too far to win a tie for the cut");
            }
        }
    }

    private static void firings(List<Audit.Firing> fs, List<String> out) {
        for (Audit.Firing f : fs) {
            List<String> ins = f.inserted().stream().map(AuditText::fact).toList();
            out.add(String.format(Locale.ROOT, "  %3d. %s [%s]%s", f.seq(), f.rule(), f.file(), ins.isEmpty() ? "" : " -> " + String.join("; ", ins)));
            out.add("       why:  " + f.rationale());
            List<String> conds = new ArrayList<>();
            List<String> named = new ArrayList<>();
            for (String c : f.conditions()) {
                if (c.startsWith("Threshold(")) {
                    named.addAll(Thresholds.used(c));
                } else {
                    conds.add(Explanation.withValues(c, f.evidence()));
                }
            }
            if (!conds.isEmpty()) {
                out.add("       when: " + String.join(" and ", conds));
            }
            if (!named.isEmpty()) {
                out.add("       thresholds: " + String.join(", ", named) + " (rules/" + Thresholds.FILE + ")");
            }
            if (!f.evidence().isEmpty()) {
                List<String> ev = new ArrayList<>();
                f.evidence().forEach((k, v) -> ev.add(k.replace("$", "") + "=" + val(v)));
                out.add("       evidence: " + String.join(", ", ev));
            }
        }
    }

    public static String fact(Audit.FactView v) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Object> e : v.values().entrySet()) {
            parts.add(e.getKey() + "=" + val(e.getValue()));
        }
        return v.type() + "(" + String.join(", ", parts) + ")";
    }

    static String val(Object v) {
        if (v instanceof Double d) {
            return num(d);
        }
        if (v instanceof Float f) {
            return num(f);
        }
        return String.valueOf(v);
    }

    static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e9) {
            return String.valueOf((long) d);
        }
        String s = String.format(Locale.ROOT, Math.abs(d) >= 0.01 && Math.abs(d) < 1e6 ? "%.4g" : "%.3g", d);
        return new java.math.BigDecimal(s).stripTrailingZeros().toPlainString();
    }

    private static String shortHash(String h) {
        if (h == null) {
            return "?";
        }
        String x = h.startsWith("sha256:") ? h.substring(7) : h;
        return x.length() > 12 ? x.substring(0, 12) : x;
    }
}

package io.transferadvisor.report;

import static io.transferadvisor.report.HtmlReport.esc;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.rules.Audit;
import io.transferadvisor.rules.Explanation;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's text blocks: the explanation of the decision, the learning-curve reading, the provenance. */
final class ReportText {
    private ReportText() {}

    /** explain's short view as HTML; the full audit folded away below it. */
    static void explanation(StringBuilder h, JsonNode audit) {
        if (audit == null) {
            h.append("<p class=\"note\">No audit.json beside the plan (a hand-written plan): no rule reasons to show.</p>\n");
            return;
        }
        Explanation e = null;
        try {
            e = Explanation.of(Json.json().treeToValue(audit, Audit.class));
        } catch (IOException | RuntimeException ex) {
            e = null; // an audit of another shape or version: fall back below to its reasons as written, nothing is lost
        }
        if (e != null) {
            list(h, "Why this plan (your numbers; the rule's threshold in brackets)", e.reasons(), true, "reasons");
            list(h, "Values changed after a rule set them", e.adjustments(), false, "adjustments");
            list(h, "What would change the decision", e.wouldChange(), false, "would-change");
            list(h, "Not chosen", e.alternatives(), false, "alternatives");
            list(h, "Notes", e.notes(), false, "notes");
            h.append("<p class=\"note\">The rules' thresholds were calibrated on the project's benchmark datasets (<code>")
                    .append(Explanation.CALIBRATION).append("</code>), not on this data.</p>\n");
        } else {
            List<String> reasons = new java.util.ArrayList<>();
            audit.path("reasons").forEach(r -> reasons.add(r.asText()));
            list(h, "Why this plan", reasons, true, "reasons");
            List<String> rejected = new java.util.ArrayList<>();
            audit.path("rejected").forEach(r -> rejected.add(r.path("strategy").asText() + ": " + r.path("reason").asText()
                    + " (" + r.path("rule").asText() + ")"));
            list(h, "Not chosen", rejected, false, "alternatives");
            List<String> change = new java.util.ArrayList<>();
            audit.path("counterfactuals").forEach(r -> change.add(r.path("text").asText()));
            list(h, "What would change the decision", change, false, "would-change");
        }
        try {
            h.append("<details><summary>full audit (every rule firing)</summary><pre>").append(esc(Json.json().writeValueAsString(audit)))
                    .append("</pre></details>\n");
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static void list(StringBuilder h, String title, List<String> items, boolean ordered, String id) {
        if (items.isEmpty()) {
            return;
        }
        h.append("<p id=\"").append(id).append("\"><b>").append(esc(title)).append("</b></p>").append(ordered ? "<ol>" : "<ul>");
        items.forEach(i -> h.append("<li>").append(esc(i)).append("</li>"));
        h.append(ordered ? "</ol>\n" : "</ul>\n");
    }

    /** The learning-curve plot and its reading: "+N labels per class -> +x points". */
    static void learningCurve(StringBuilder h, JsonNode suff) {
        double now = suff.path("currentPerClass").asDouble(Double.NaN);
        double cur = suff.path("current").path("value").asDouble(Double.NaN);
        JsonNode at2 = suff.path("at2x");
        String gain = null;
        if (Double.isFinite(now) && Double.isFinite(cur) && at2.isObject()) {
            double points = 100 * (at2.path("value").asDouble() - cur);
            gain = String.format(Locale.ROOT, "+%.0f labels/class -> %+.1f points", now, points);
            h.append(String.format(Locale.ROOT, "<p id=\"more-labels\">With %.0f training images per class the probe reaches %.1f%%. "
                            + "The fitted curve predicts <b>+%.0f labels per class &rarr; %+.1f points</b> (%.1f%% at %.0f per class, "
                            + "95%% interval %.1f-%.1f%%). Measured with a linear probe on frozen features, so it shows the trend, "
                            + "not the fine-tuned accuracy.</p>\n", now, 100 * cur, now, points, 100 * at2.path("value").asDouble(), 2 * now,
                    100 * at2.path("low").asDouble(), 100 * at2.path("high").asDouble()));
        }
        h.append(ReportCharts.learningCurve(suff, gain));
    }

    static void provenance(StringBuilder h, Provenance p) {
        if (p == null) {
            return;
        }
        h.append("<h2 id=\"provenance\">Provenance</h2>\n<table>");
        HtmlReport.row(h, "dataset content hash", p.datasetHash());
        for (Map.Entry<String, String> e : p.sourceModelSha256().entrySet()) {
            HtmlReport.row(h, "pretrained " + e.getKey() + " SHA-256", e.getValue());
        }
        HtmlReport.row(h, "rules hash", p.rulesHash() == null ? "none (hand-written plan)" : p.rulesHash() + " (" + String.join(", ", p.ruleFiles()) + ")");
        HtmlReport.row(h, "plan", p.plan() + ", seed " + p.seed() + ", plan.yaml SHA-256 " + p.planSha256());
        HtmlReport.row(h, "model.zip SHA-256", p.trainedModelSha256() == null ? "none (ensemble: see the members)" : p.trainedModelSha256());
        HtmlReport.row(h, "tool", p.tool());
        h.append("</table>\n");
    }
}

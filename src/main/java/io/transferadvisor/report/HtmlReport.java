package io.transferadvisor.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * report.html: one self-contained page (plots embedded as base64 PNG, inline CSS, no scripts, no
 * network): the dataset, the per-layer probe curves, the plan and its reasons, training curves,
 * the confusion matrix and the metrics.
 */
public final class HtmlReport {
    private HtmlReport() {}

    public static void write(java.nio.file.Path file, String dataset, Plan plan, RunMetrics m, JsonNode profile, JsonNode audit,
                             LoadedDataset data) {
        AtomicFiles.writeString(file, render(dataset, plan, m, profile, audit, data));
    }

    public static String render(String dataset, Plan plan, RunMetrics m, JsonNode profile, JsonNode audit, LoadedDataset data) {
        StringBuilder h = new StringBuilder(64_000);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc("Run report: " + dataset + " / " + plan.strategy())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;line-height:1.4}")
                .append("table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f0f0f0}td.l,th.l{text-align:left}.big{font-size:1.4em}code{background:#f5f5f5;padding:1px 3px}")
                .append("img{max-width:100%}.diag{background:#d8f0d8}.note{color:#555}")
                .append("</style></head><body>\n");
        h.append("<h1>").append(esc(dataset)).append(": ").append(esc(plan.strategy().description())).append("</h1>\n");
        h.append("<p class=\"big\">Test accuracy <b>").append(pct(m.test().accuracy())).append("</b>, macro-F1 <b>")
                .append(f3(m.test().macroF1())).append("</b> on ").append(m.test().images()).append(" test images")
                .append(" (validation accuracy ").append(pct(m.validation().accuracy())).append(").</p>\n");

        section(h, "Dataset");
        h.append("<table><tr><th class=\"l\">class</th><th>train</th><th>validation</th><th>test</th></tr>\n");
        int[] tr = data.train().classCounts();
        int[] va = data.validation().classCounts();
        int[] te = data.test().classCounts();
        for (int c = 0; c < m.classNames().size(); c++) {
            h.append("<tr><td class=\"l\">").append(esc(m.classNames().get(c))).append("</td><td>").append(at(tr, c))
                    .append("</td><td>").append(at(va, c)).append("</td><td>").append(at(te, c)).append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (data.unlabelled().isPresent()) {
            h.append("<p>").append(data.unlabelled().get().size()).append(" unlabelled images.</p>\n");
        }
        h.append("<p class=\"note\">Content hash <code>").append(esc(data.contentHash())).append("</code>");
        if (!data.skipped().isEmpty()) {
            h.append("; ").append(data.skipped().size()).append(" unreadable files skipped");
        }
        h.append(".</p>\n");

        section(h, "Similarity probe");
        probe(h, profile);

        section(h, "Plan and reasons");
        planTable(h, plan);
        reasons(h, audit);

        section(h, "Training");
        for (Map.Entry<String, List<RunMetrics.EpochRow>> e : m.history().entrySet()) {
            trainingCurves(h, e.getKey(), e.getValue());
        }
        h.append("<p>Epochs run ").append(m.epochsRun()).append(", best epoch ").append(m.bestEpoch())
                .append(", stopped: ").append(esc(String.valueOf(m.stopReason()))).append(". Throughput ")
                .append(String.format("%.0f", m.imagesPerSecond())).append(" images/s.</p>\n");
        h.append("<table><tr><th class=\"l\">phase</th><th>seconds</th></tr>\n");
        for (Map.Entry<String, Double> e : m.phases().entrySet()) {
            h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td>").append(String.format("%.2f", e.getValue()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (m.cache() != null) {
            h.append("<p>Feature cache at <code>").append(esc(m.cache().layer())).append("</code> (").append(m.cache().pooling())
                    .append("): ").append(m.cache().reused()).append(" images reused, ").append(m.cache().computed())
                    .append(" computed.</p>\n");
        }
        if (!m.members().isEmpty()) {
            h.append("<table><tr><th class=\"l\">member</th><th class=\"l\">model</th><th class=\"l\">strategy</th><th>val acc</th><th>test acc</th></tr>\n");
            for (RunMetrics.Member mb : m.members()) {
                h.append("<tr><td class=\"l\">").append(esc(mb.folder())).append("</td><td class=\"l\">").append(esc(mb.model()))
                        .append("</td><td class=\"l\">").append(esc(mb.strategy())).append("</td><td>").append(pct(mb.validationAccuracy()))
                        .append("</td><td>").append(pct(mb.testAccuracy())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (!m.notes().isEmpty()) {
            h.append("<ul>");
            for (String n : m.notes()) {
                h.append("<li>").append(esc(n)).append("</li>");
            }
            h.append("</ul>\n");
        }

        section(h, "Test results");
        confusion(h, m.classNames(), m.test().confusion());
        perClass(h, m.test());
        section(h, "Validation results");
        perClass(h, m.validation());
        h.append("<p class=\"note\">Written by transfer-advisor; every figure is embedded, the page needs no network.</p>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void section(StringBuilder h, String title) {
        h.append("<h2>").append(esc(title)).append("</h2>\n");
    }

    private static String at(int[] a, int i) {
        return i < a.length ? String.valueOf(a[i]) : "0";
    }

    private static void probe(StringBuilder h, JsonNode profile) {
        if (profile == null) {
            h.append("<p class=\"note\">No profile.json beside the plan: the probe curves are not available for this run.</p>\n");
            return;
        }
        List<JsonNode> profiles = new ArrayList<>();
        if (profile.isArray()) {
            profile.forEach(profiles::add);
        } else if (profile.has("profiles") && profile.get("profiles").isArray()) {
            profile.get("profiles").forEach(profiles::add);
        } else {
            profiles.add(profile);
        }
        for (JsonNode p : profiles) {
            JsonNode layers = p.path("layers");
            if (!layers.isArray() || layers.isEmpty()) {
                continue;
            }
            String model = p.path("model").asText("model");
            int n = layers.size();
            double[] x = new double[n];
            double[] acc = new double[n];
            double[] sim = new double[n];
            StringBuilder t = new StringBuilder("<table><tr><th>#</th><th class=\"l\">layer</th><th>probe accuracy</th><th>95% interval</th>"
                    + "<th>LogME</th><th>similarity</th><th>dim</th></tr>\n");
            for (int i = 0; i < n; i++) {
                JsonNode l = layers.get(i);
                x[i] = i;
                acc[i] = l.path("probeAccuracy").path("value").asDouble(Double.NaN);
                sim[i] = l.path("similarity").asDouble(Double.NaN);
                t.append("<tr><td>").append(i).append("</td><td class=\"l\">").append(esc(l.path("layer").asText())).append("</td><td>")
                        .append(pct(acc[i])).append("</td><td>").append(pct(l.path("probeAccuracy").path("low").asDouble(Double.NaN)))
                        .append(" - ").append(pct(l.path("probeAccuracy").path("high").asDouble(Double.NaN))).append("</td><td>")
                        .append(f3(l.path("logme").path("value").asDouble(Double.NaN))).append("</td><td>").append(f3(sim[i]))
                        .append("</td><td>").append(l.path("featureDim").asInt()).append("</td></tr>\n");
            }
            t.append("</table>\n");
            XYChart chart = new XYChartBuilder().width(800).height(320).title("Per-layer probe: " + model)
                    .xAxisTitle("candidate layer (# in the table)").yAxisTitle("value").build();
            chart.addSeries("linear-probe accuracy", x, clean(acc)).setMarker(SeriesMarkers.CIRCLE);
            chart.addSeries("similarity to source", x, clean(sim)).setMarker(SeriesMarkers.DIAMOND);
            chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
            h.append(png(chart)).append(t);
            h.append("<p>Overall similarity ").append(f3(p.path("similarity").asDouble(Double.NaN))).append(".</p>\n");
        }
    }

    private static double[] clean(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(out[i])) {
                out[i] = 0;
            }
        }
        return out;
    }

    private static void planTable(StringBuilder h, Plan plan) {
        var hp = plan.hyperparameters();
        h.append("<table>");
        row(h, "strategy", plan.strategy() + " — " + plan.strategy().description());
        row(h, "models", String.join(", ", plan.models()));
        row(h, "cutoff layer", String.valueOf(plan.cutoffLayer()));
        row(h, "head", plan.head().name());
        if (plan.growBlocks() > 0) {
            row(h, "new blocks", String.valueOf(plan.growBlocks()));
        }
        row(h, "learning rates", "head " + hp.headLearningRate() + ", backbone " + hp.backboneLearningRate());
        row(h, "epochs / patience / batch", hp.maxEpochs() + " / " + hp.patience() + " / " + hp.batchSize());
        row(h, "batch norm", hp.batchNorm().name());
        row(h, "augmentation", hp.augmentation().enabled() ? hp.augmentation().toString() : "none");
        row(h, "class weighting", hp.classWeighting().name());
        row(h, "seed / budget", plan.seed() + " / " + plan.budgetMinutes() + " min");
        if (!plan.overrides().isEmpty()) {
            row(h, "overridden on the command line", String.join("; ", plan.overrides()));
        }
        if (plan.collectMore() != null) {
            var cm = plan.collectMore();
            row(h, "collect more data", "+" + cm.extraPerClass() + " per class: expected +" + cm.expectedGainPoints() + " points ["
                    + cm.gainLow() + ", " + cm.gainHigh() + "] (" + cm.basis() + ")");
        }
        h.append("</table>\n");
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">").append(esc(v)).append("</td></tr>\n");
    }

    /** The audit is read generically: any array of firings with an id and a rationale is listed. */
    private static void reasons(StringBuilder h, JsonNode audit) {
        if (audit == null) {
            h.append("<p class=\"note\">No audit.json beside the plan (a hand-written plan): no rule reasons to show.</p>\n");
            return;
        }
        if (audit.path("reasons").isArray() && !audit.get("reasons").isEmpty()) {
            h.append("<p><b>Why this plan</b></p><ol>");
            for (JsonNode r : audit.get("reasons")) {
                h.append("<li>").append(esc(r.isTextual() ? r.asText() : describe(r))).append("</li>");
            }
            h.append("</ol>\n");
        }
        List<JsonNode> firings = new ArrayList<>();
        for (String k : List.of("firings", "fired", "rules", "decisions")) {
            if (audit.path(k).isArray()) {
                audit.get(k).forEach(firings::add);
            }
        }
        if (audit.path("traces").isArray()) {
            for (JsonNode t : audit.get("traces")) {
                if (t.path("firings").isArray()) {
                    t.get("firings").forEach(firings::add);
                }
            }
        }
        if (!firings.isEmpty()) {
            h.append("<details><summary>").append(firings.size()).append(" rule firings</summary><ol>");
            for (JsonNode f : firings) {
                String id = first(f, "id", "ruleId", "rule", "name");
                String why = first(f, "rationale", "reason", "why", "description");
                h.append("<li><code>").append(esc(id)).append("</code>");
                if (!why.isEmpty()) {
                    h.append(": ").append(esc(why));
                }
                h.append("</li>");
            }
            h.append("</ol></details>\n");
        }
        for (String k : List.of("rejected", "alternatives", "counterfactuals", "whatWouldChange")) {
            if (audit.path(k).isArray() && !audit.get(k).isEmpty()) {
                h.append("<p><b>").append(esc(k.equals("counterfactuals") ? "What would change the decision" : k.equals("rejected")
                        ? "Alternatives rejected" : k)).append("</b></p><ul>");
                for (JsonNode a : audit.get(k)) {
                    h.append("<li>").append(esc(a.isTextual() ? a.asText() : describe(a))).append("</li>");
                }
                h.append("</ul>\n");
            }
        }
        try {
            h.append("<details><summary>full audit</summary><pre>").append(esc(Json.json().writeValueAsString(audit)))
                    .append("</pre></details>\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A readable line for an audit entry: its text, or strategy + rule + reason, or the JSON. */
    private static String describe(JsonNode n) {
        String text = first(n, "text", "summary");
        if (!text.isEmpty()) {
            return text;
        }
        String reason = first(n, "reason", "rationale");
        if (!reason.isEmpty()) {
            String what = first(n, "strategy", "change", "model");
            String rule = first(n, "rule", "id");
            return (what.isEmpty() ? "" : what + ": ") + reason + (rule.isEmpty() ? "" : " (" + rule + ")");
        }
        return n.toString();
    }

    private static String first(JsonNode n, String... keys) {
        for (String k : keys) {
            if (n.hasNonNull(k)) {
                return n.get(k).isTextual() ? n.get(k).asText() : n.get(k).toString();
            }
        }
        return "";
    }

    private static void trainingCurves(StringBuilder h, String phase, List<RunMetrics.EpochRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        double[] x = new double[n];
        double[] tl = new double[n];
        double[] vl = new double[n];
        double[] va = new double[n];
        boolean hasAcc = false;
        for (int i = 0; i < n; i++) {
            RunMetrics.EpochRow r = rows.get(i);
            x[i] = r.epoch();
            tl[i] = r.trainLoss();
            vl[i] = r.validationLoss();
            va[i] = r.validationAccuracy();
            hasAcc |= r.validationAccuracy() >= 0;
        }
        XYChart loss = new XYChartBuilder().width(480).height(300).title(phase + ": loss").xAxisTitle("epoch").yAxisTitle("loss").build();
        loss.addSeries("train", x, clean(tl)).setMarker(SeriesMarkers.CIRCLE);
        loss.addSeries("validation", x, clean(vl)).setMarker(SeriesMarkers.DIAMOND);
        h.append(png(loss));
        if (hasAcc) {
            XYChart acc = new XYChartBuilder().width(480).height(300).title(phase + ": validation accuracy").xAxisTitle("epoch")
                    .yAxisTitle("accuracy").build();
            acc.addSeries("validation accuracy", x, clean(va)).setMarker(SeriesMarkers.CIRCLE);
            h.append(png(acc));
        }
        h.append("\n");
    }

    private static void confusion(StringBuilder h, List<String> names, int[][] cm) {
        h.append("<p>Confusion matrix (rows: true class, columns: predicted).</p><table><tr><th></th>");
        for (String n : names) {
            h.append("<th>").append(esc(n)).append("</th>");
        }
        h.append("</tr>\n");
        for (int i = 0; i < cm.length; i++) {
            h.append("<tr><th class=\"l\">").append(esc(names.get(i))).append("</th>");
            for (int j = 0; j < cm[i].length; j++) {
                h.append(i == j ? "<td class=\"diag\">" : "<td>").append(cm[i][j]).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void perClass(StringBuilder h, ClassificationMetrics m) {
        h.append("<p>Accuracy ").append(pct(m.accuracy())).append(", macro-F1 ").append(f3(m.macroF1())).append(" (")
                .append(m.images()).append(" images).</p>");
        h.append("<table><tr><th class=\"l\">class</th><th>images</th><th>precision</th><th>recall</th><th>F1</th></tr>\n");
        for (ClassificationMetrics.PerClass p : m.perClass()) {
            h.append("<tr><td class=\"l\">").append(esc(p.name())).append("</td><td>").append(p.support()).append("</td><td>")
                    .append(f3(p.precision())).append("</td><td>").append(f3(p.recall())).append("</td><td>").append(f3(p.f1()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    static String png(XYChart chart) {
        try {
            byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "<img alt=\"" + esc(chart.getTitle()) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(bytes) + "\">";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot render chart " + chart.getTitle(), e);
        }
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format("%.2f%%", 100 * v) : "n/a";
    }

    static String f3(double v) {
        return Double.isFinite(v) ? String.format("%.3f", v) : "n/a";
    }

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}

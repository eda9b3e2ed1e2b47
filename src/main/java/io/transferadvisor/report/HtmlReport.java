package io.transferadvisor.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.util.AtomicFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (plots and images embedded as base64 PNG, inline CSS, no
 * scripts, no network): the headline with its sample sizes and intervals, the decision and why,
 * the dataset with sample images, the per-layer probe and shift with the cut marked, the learning
 * curve, the training curves of the data loss, the confusion heat map, the misclassified test
 * images, and the provenance.
 */
public final class HtmlReport {
    private HtmlReport() {}

    public static void write(java.nio.file.Path file, String dataset, Plan plan, RunMetrics m, JsonNode profile, JsonNode audit,
                             LoadedDataset data, InputGeometry geometry) {
        AtomicFiles.writeString(file, render(dataset, plan, m, profile, audit, data, geometry));
    }

    static final String CSS = "body{font-family:sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}"
            + "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
            + "th{background:#f0f0f0}td.l,th.l{text-align:left}.big{font-size:1.3em}code{background:#f5f5f5;padding:1px 3px}"
            + "img.plot{max-width:100%;display:block;margin:0.5em 0}.diag{outline:2px solid #2a7}.note{color:#555}"
            + "img.thumb{image-rendering:pixelated;margin:2px;border:1px solid #ddd}"
            + ".misses{display:flex;flex-wrap:wrap;gap:6px}.misses figure{margin:0;width:110px;font-size:0.8em;text-align:center}"
            + "table.grid td{text-align:left}.warn{color:#a50}ol li,ul li{margin:0.2em 0}.heat td{min-width:3em}";

    /** Renders the page; {@code geometry} is the input the images were fitted to (null: no image grids). */
    public static String render(String dataset, Plan plan, RunMetrics m, JsonNode profile, JsonNode audit, LoadedDataset data,
                                InputGeometry geometry) {
        StringBuilder h = new StringBuilder(256_000);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc("Run report: " + dataset + " / " + plan.strategy())).append("</title>\n<style>").append(CSS)
                .append("</style></head><body>\n");
        h.append("<h1 id=\"title\">").append(esc(dataset)).append(": ").append(esc(plan.strategy().description())).append("</h1>\n");
        h.append("<p class=\"big\" id=\"headline\">Test accuracy <b>").append(pct(m.test().accuracy())).append("</b> ")
                .append(interval(m.test())).append(" on <b>").append(m.test().images()).append(" test images</b>, macro-F1 ")
                .append(f3(m.test().macroF1())).append(".</p>\n<p>Validation accuracy ").append(pct(m.validation().accuracy()))
                .append(" ").append(interval(m.validation())).append(" on ").append(m.validation().images())
                .append(" validation images").append(m.validation().images() < 100
                        ? " <span class=\"warn\">(a small split: it only picks the epoch to keep; trust the test number)</span>" : "")
                .append(".</p>\n");

        section(h, "decision", "Decision and why");
        planTable(h, plan, m);
        ReportText.explanation(h, audit);

        section(h, "dataset", "Dataset");
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
        if (geometry != null) {
            h.append("<p>Training images, as the model sees them (").append(geometry).append("):</p>\n");
            h.append(ReportImages.samples(data.train(), geometry, m.classNames(), 8));
        }
        h.append("<p class=\"note\">Content hash <code>").append(esc(data.contentHash())).append("</code>");
        if (!data.skipped().isEmpty()) {
            h.append("; ").append(data.skipped().size()).append(" unreadable files skipped");
        }
        h.append(".</p>\n");

        section(h, "probe", "Similarity probe");
        probe(h, profile, plan.cutoffLayer());

        section(h, "training", "Training");
        h.append("<p class=\"note\">Losses are the data loss (cross-entropy, or hinge for an SVM head) per image, without the L2 "
                + "weight-decay term, so training and validation compare directly; the training loss is averaged over the epoch "
                + "while the weights still change. The vertical line marks the epoch kept.</p>\n");
        for (Map.Entry<String, List<RunMetrics.EpochRow>> e : m.history().entrySet()) {
            if (!e.getValue().isEmpty()) {
                h.append(ReportCharts.training(e.getKey(), e.getValue(), m.bestEpoch()));
            }
        }
        if (plan.strategy() == io.transferadvisor.plan.Strategy.ENSEMBLE) {
            // the ensemble itself trains nothing: its networks train one after the other, each with its own report
            h.append("<p>").append(plan.ensembleMembers().size()).append(" networks trained one after the other; each member's epochs, ")
                    .append("training curves and throughput are in its own report (member-N/report.html beside this page).</p>\n");
        } else {
            h.append("<p>Epochs run ").append(m.epochsRun()).append(", best epoch ").append(m.bestEpoch())
                    .append(", stopped: ").append(esc(String.valueOf(m.stopReason()))).append(". Throughput ")
                    .append(String.format(Locale.ROOT, "%.0f", m.imagesPerSecond())).append(" images/s.</p>\n");
        }
        h.append("<table><tr><th class=\"l\">phase</th><th>seconds</th></tr>\n");
        for (Map.Entry<String, Double> e : m.phases().entrySet()) {
            h.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f", e.getValue())).append("</td></tr>\n");
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
                        .append(" of ").append(m.validation().images()).append("</td><td>").append(pct(mb.testAccuracy())).append(" of ")
                        .append(m.test().images()).append("</td></tr>\n");
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

        section(h, "test", "Test results");
        confusion(h, m.classNames(), m.test().confusion());
        perClass(h, m.test(), "test");
        if (geometry != null && !m.test().misclassified().isEmpty()) {
            int wrong = Math.round((float) ((1 - m.test().accuracy()) * m.test().images()));
            h.append("<h3 id=\"misclassified\">Misclassified test images</h3>\n<p>The ").append(m.test().misclassified().size())
                    .append(" most confident of ").append(wrong).append(" mistakes on ").append(m.test().images())
                    .append(" test images: true class, predicted class and the model's probability for it.</p>\n");
            h.append(ReportImages.misclassified(data.test(), geometry, m.classNames(), m.test().misclassified()));
        }
        section(h, "validation", "Validation results");
        perClass(h, m.validation(), "validation");
        ReportText.provenance(h, m.provenance());
        h.append("<p class=\"note\">Written by ").append(esc(io.transferadvisor.util.ToolVersion.tool()))
                .append("; every figure and image is embedded, the page needs no network.</p>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    /** "(95% interval 88.1-94.2%)": Wilson score interval of an accuracy on n images. */
    static String interval(ClassificationMetrics m) {
        int n = m.images();
        if (n == 0) {
            return "";
        }
        double[] w = io.transferadvisor.util.Probabilities.wilson(m.accuracy(), n);
        return String.format(Locale.ROOT, "(95%% interval %.1f-%.1f%%)", 100 * w[0], 100 * w[1]);
    }

    private static void section(StringBuilder h, String id, String title) {
        h.append("<h2 id=\"").append(id).append("\">").append(esc(title)).append("</h2>\n");
    }

    private static String at(int[] a, int i) {
        return i < a.length ? String.valueOf(a[i]) : "0";
    }

    private static void probe(StringBuilder h, JsonNode profile, String cutLayer) {
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
            int sampled = p.path("sampling").path("sampledImages").asInt(p.path("size").path("trainImages").asInt(0));
            h.append("<p>Each candidate layer's frozen features, scored on ").append(sampled > 0 ? sampled + " of your training images" : "your images")
                    .append(": a cross-validated linear probe (accuracy with its 95% bootstrap interval) and the similarity of the activations "
                            + "to the source data's. The dashed line is the plan's cut: layers up to it stay frozen.</p>\n");
            h.append(ReportCharts.probe(model, layers, cutLayer)).append(ReportCharts.shift(model, layers, cutLayer));
            StringBuilder t = new StringBuilder("<table><tr><th class=\"l\">layer</th><th>probe accuracy</th><th>95% interval</th>"
                    + "<th>LogME</th><th>similarity</th><th>shift</th><th>dim</th></tr>\n");
            for (JsonNode l : layers) {
                String name = l.path("layer").asText();
                t.append("<tr><td class=\"l\">").append(esc(name)).append(name.equals(cutLayer) ? " <b>(cut)</b>" : "").append("</td><td>")
                        .append(pct(l.path("probeAccuracy").path("value").asDouble(Double.NaN))).append("</td><td>")
                        .append(pct(l.path("probeAccuracy").path("low").asDouble(Double.NaN))).append(" - ")
                        .append(pct(l.path("probeAccuracy").path("high").asDouble(Double.NaN))).append("</td><td>")
                        .append(f3(l.path("logme").path("value").asDouble(Double.NaN))).append("</td><td>")
                        .append(f3(l.path("similarity").asDouble(Double.NaN))).append("</td><td>")
                        .append(f3(l.path("shift").asDouble(Double.NaN))).append("</td><td>")
                        .append(l.path("featureDim").asInt()).append("</td></tr>\n");
            }
            h.append(t).append("</table>\n");
            h.append("<p>Overall similarity ").append(f3(p.path("similarity").asDouble(Double.NaN))).append(".</p>\n");
            JsonNode suff = p.path("sufficiency");
            if (suff.isObject()) {
                h.append("<h3 id=\"learning-curve\">Would more labels help?</h3>\n");
                ReportText.learningCurve(h, suff);
            }
        }
    }

    private static void planTable(StringBuilder h, Plan plan, RunMetrics m) {
        var hp = plan.hyperparameters();
        h.append("<table>");
        row(h, "strategy", plan.strategy() + " — " + plan.strategy().description());
        List<String> models = new java.util.ArrayList<>();
        for (String name : plan.models()) {
            boolean random = m != null && m.notes().stream().anyMatch(n -> n.startsWith(name + RunMetrics.RANDOM_WEIGHTS_NOTE));
            models.add(random ? name + " (random weights: nothing pretrained is transferred)" : name);
        }
        row(h, "models", String.join(", ", models));
        if (m != null) {
            m.notes().stream().filter(n -> n.startsWith(RunMetrics.PREPROCESSING_NOTE)).findFirst()
                    .ifPresent(n -> row(h, "input preprocessing", n.substring(RunMetrics.PREPROCESSING_NOTE.length())));
        }
        if (plan.strategy() == io.transferadvisor.plan.Strategy.ENSEMBLE) {
            // each member trains with its own plan: its values, not the ensemble plan's top-level copy, are what ran
            for (int i = 0; i < plan.ensembleMembers().size(); i++) {
                Plan mp = plan.ensembleMembers().get(i);
                var mh = mp.hyperparameters();
                row(h, "member " + (i + 1), mp.models().get(0) + ": " + mp.strategy() + (mp.cutoffLayer() == null ? "" : " at " + mp.cutoffLayer())
                        + ", " + mp.head() + " head; lr " + rates(mh)
                        + "; epochs / patience / batch " + mh.maxEpochs() + " / " + mh.patience() + " / " + mh.batchSize()
                        + (mp.growBlocks() > 0 ? "; " + mp.growBlocks() + " new block(s)" : "")
                        + "; weight decay " + plain(mh.weightDecay()) + "; batch norm " + mh.batchNorm()
                        + "; augmentation " + augmentation(mh) + "; class weighting " + mh.classWeighting());
            }
            row(h, "seed / budget", plan.seed() + " / " + plain(plan.budgetMinutes()) + " min (shared by the members)");
            if (!plan.overrides().isEmpty()) {
                row(h, "overridden on the command line", String.join("; ", plan.overrides()));
            }
            h.append("</table>\n");
            return;
        }
        row(h, "cutoff layer", plan.cutoffLayer() == null ? "none" : plan.cutoffLayer() + " (frozen up to and including it)");
        row(h, "head", plan.head().name());
        if (plan.growBlocks() > 0) {
            row(h, "new blocks", String.valueOf(plan.growBlocks()));
        }
        row(h, "learning rates", rates(hp));
        row(h, "epochs / patience / batch", hp.maxEpochs() + " / " + hp.patience() + " / " + hp.batchSize());
        row(h, "weight decay (L2)", plain(hp.weightDecay()));
        row(h, "batch norm", hp.batchNorm().name());
        row(h, "augmentation", augmentation(hp));
        row(h, "class weighting", hp.classWeighting().name());
        row(h, "seed / budget", plan.seed() + " / " + plain(plan.budgetMinutes()) + " min");
        if (!plan.overrides().isEmpty()) {
            row(h, "overridden on the command line", String.join("; ", plan.overrides()));
        }
        h.append("</table>\n");
    }

    /** Head and backbone rates and their schedule, for a plan's row and an ensemble member's. */
    private static String rates(io.transferadvisor.plan.Hyperparameters hp) {
        return "head " + plain(hp.headLearningRate()) + ", backbone " + (hp.backboneLearningRate() == 0 ? "frozen" : plain(hp.backboneLearningRate()))
                + (hp.learningRateSchedule() == null ? ", constant" : "; " + hp.learningRateSchedule().describe());
    }

    private static String augmentation(io.transferadvisor.plan.Hyperparameters hp) {
        io.transferadvisor.plan.Augmentation a = hp.augmentation();
        if (!a.enabled()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        if (a.maxShiftPixels() > 0) {
            parts.add("shift up to " + a.maxShiftPixels() + " px");
        }
        if (a.cropFraction() > 0) {
            parts.add(String.format(java.util.Locale.ROOT, "crop up to %.0f%%", a.cropFraction() * 100));
        }
        if (a.horizontalFlip()) {
            parts.add("horizontal flip");
        }
        return String.join(", ", parts);
    }

    static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">").append(esc(v)).append("</td></tr>\n");
    }

    /** The confusion matrix as a heat map: each cell shaded by its share of the true class's images. */
    private static void confusion(StringBuilder h, List<String> names, int[][] cm) {
        h.append("<p>Confusion matrix (rows: true class, columns: predicted; shade: share of the row's images).</p>"
                + "<table class=\"heat\" id=\"confusion\"><tr><th></th>");
        for (String n : names) {
            h.append("<th>").append(esc(n)).append("</th>");
        }
        h.append("<th>images</th></tr>\n");
        for (int i = 0; i < cm.length; i++) {
            int total = 0;
            for (int v : cm[i]) {
                total += v;
            }
            h.append("<tr><th class=\"l\">").append(esc(names.get(i))).append("</th>");
            for (int j = 0; j < cm[i].length; j++) {
                double share = total == 0 ? 0 : (double) cm[i][j] / total;
                int shade = (int) Math.round(255 - 190 * share);
                String bg = i == j ? String.format(Locale.ROOT, "rgb(%d,%d,%d)", shade, 255, shade)
                        : String.format(Locale.ROOT, "rgb(255,%d,%d)", shade, shade);
                h.append(i == j ? "<td class=\"diag\" style=\"background:" : "<td style=\"background:").append(bg).append("\">")
                        .append(cm[i][j]).append("</td>");
            }
            h.append("<td>").append(total).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void perClass(StringBuilder h, ClassificationMetrics m, String split) {
        h.append("<p>Accuracy ").append(pct(m.accuracy())).append(" ").append(interval(m)).append(", macro-F1 ").append(f3(m.macroF1()))
                .append(" on ").append(m.images()).append(" ").append(split).append(" images.</p>");
        h.append("<table><tr><th class=\"l\">class</th><th>images</th><th>precision</th><th>recall</th><th>F1</th></tr>\n");
        for (ClassificationMetrics.PerClass p : m.perClass()) {
            h.append("<tr><td class=\"l\">").append(esc(p.name())).append("</td><td>").append(p.support()).append("</td><td>")
                    .append(f3(p.precision())).append("</td><td>").append(f3(p.recall())).append("</td><td>").append(f3(p.f1()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** 0.0005, not 5.0E-4. */
    static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "n/a";
    }

    static String f3(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
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

package io.transferadvisor.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's plots, each an inline base64 PNG: probe curves, shift, learning curve, training curves. */
final class ReportCharts {
    private ReportCharts() {}

    static final Color ACCURACY = new Color(31, 119, 180);
    static final Color SIMILARITY = new Color(44, 160, 44);
    static final Color CUT = new Color(214, 39, 40);

    /** Linear-probe accuracy per layer (by the model's layer names) with its 95% interval, similarity, and the cut. */
    static String probe(String model, JsonNode layers, String cutLayer) {
        int n = layers.size();
        double[] x = new double[n];
        double[] acc = new double[n];
        double[] sim = new double[n];
        String[] names = new String[n];
        XYChart chart = new XYChartBuilder().width(chartWidth(n)).height(360).title("Per-layer probe: " + model)
                .xAxisTitle("candidate layer (frozen up to here)").yAxisTitle("accuracy / similarity").build();
        style(chart);
        int cut = -1;
        for (int i = 0; i < n; i++) {
            JsonNode l = layers.get(i);
            x[i] = i;
            names[i] = l.path("layer").asText();
            acc[i] = l.path("probeAccuracy").path("value").asDouble(Double.NaN);
            sim[i] = l.path("similarity").asDouble(Double.NaN);
            if (names[i].equals(cutLayer)) {
                cut = i;
            }
            double lo = l.path("probeAccuracy").path("low").asDouble(Double.NaN);
            double hi = l.path("probeAccuracy").path("high").asDouble(Double.NaN);
            if (Double.isFinite(lo) && Double.isFinite(hi)) {
                XYSeries s = chart.addSeries(i == 0 ? "95% interval of the probe" : "interval " + names[i], new double[] {i, i},
                        new double[] {lo, hi});
                paint(s, ACCURACY, SeriesMarkers.NONE, i == 0);
                s.setLineStyle(new BasicStroke(2f));
            }
        }
        paint(chart.addSeries("linear-probe accuracy", x, clean(acc)), ACCURACY, SeriesMarkers.CIRCLE, true);
        paint(chart.addSeries("similarity to the source", x, clean(sim)), SIMILARITY, SeriesMarkers.DIAMOND, true);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.05).setXAxisMin(-0.5).setXAxisMax(n - 0.5);
        layerNames(chart, names, 0.04, 0.05);
        if (cut >= 0) {
            mark(chart, cut + 0.5, "cut after " + cutLayer, 0.1 + 0.05 * rows(names, chart.getWidth())); // above the name rows
        }
        return png(chart);
    }

    /** The activation shift per layer: how far the target's activation statistics moved from the source's (0 = none). */
    static String shift(String model, JsonNode layers, String cutLayer) {
        int n = layers.size();
        double[] x = new double[n];
        double[] shift = new double[n];
        String[] names = new String[n];
        int cut = -1;
        for (int i = 0; i < n; i++) {
            x[i] = i;
            names[i] = layers.get(i).path("layer").asText();
            shift[i] = layers.get(i).path("shift").asDouble(Double.NaN);
            if (names[i].equals(cutLayer)) {
                cut = i;
            }
        }
        XYChart chart = new XYChartBuilder().width(chartWidth(n)).height(260).title("Domain shift per layer: " + model)
                .xAxisTitle("candidate layer").yAxisTitle("shift (0 = like the source)").build();
        style(chart);
        paint(chart.addSeries("activation shift vs the source", x, clean(shift)), SIMILARITY.darker(), SeriesMarkers.SQUARE, true);
        double top = 0;
        for (double v : shift) {
            top = Double.isFinite(v) ? Math.max(top, v) : top;
        }
        top = top > 0 ? top * 1.15 : 1;
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(top).setXAxisMin(-0.5).setXAxisMax(n - 0.5);
        layerNames(chart, names, top * 0.93, -top * 0.08);
        if (cut >= 0) {
            mark(chart, cut + 0.5, "cut", top * 0.5);
        }
        return png(chart);
    }

    /**
     * The probe's learning curve: measured accuracy at fractions of the labels with intervals, the fitted
     * curve out to 4x, and "+N labels -> +x points" at twice the labels.
     */
    static String learningCurve(JsonNode suff, String gainText) {
        JsonNode curve = suff.path("curve");
        JsonNode p = suff.path("parameters");
        if (!curve.isArray() || curve.isEmpty()) {
            return "";
        }
        XYChart chart = new XYChartBuilder().width(820).height(340).title("Learning curve (linear probe): more labels per class")
                .xAxisTitle("training images per class").yAxisTitle("probe accuracy").build();
        style(chart);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < curve.size(); i++) {
            JsonNode c = curve.get(i);
            double x = c.path("perClass").asDouble();
            xs.add(x);
            ys.add(c.path("accuracy").path("value").asDouble());
            XYSeries s = chart.addSeries(i == 0 ? "95% interval" : "ci " + i, new double[] {x, x},
                    new double[] {c.path("accuracy").path("low").asDouble(), c.path("accuracy").path("high").asDouble()});
            paint(s, ACCURACY, SeriesMarkers.NONE, i == 0);
        }
        XYSeries measured = chart.addSeries("measured (subsets of your labels)", xs, ys);
        paint(measured, ACCURACY, SeriesMarkers.CIRCLE, true);
        measured.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        double now = suff.path("currentPerClass").asDouble(xs.get(xs.size() - 1));
        if (p.isArray() && p.size() == 3) {
            double a = p.get(0).asDouble();
            double b = p.get(1).asDouble();
            double c = p.get(2).asDouble();
            int steps = 60;
            double lo = Math.max(1, xs.get(0));
            double hi = now * 4;
            double[] fx = new double[steps + 1];
            double[] fy = new double[steps + 1];
            for (int i = 0; i <= steps; i++) {
                fx[i] = lo + (hi - lo) * i / steps;
                fy[i] = a - b * Math.pow(fx[i], -c);
            }
            paint(chart.addSeries("fitted " + suff.path("model").asText("curve"), fx, fy), Color.GRAY, SeriesMarkers.NONE, true);
        }
        for (String k : List.of("current", "at2x", "at4x")) {
            JsonNode v = suff.path(k);
            if (v.isObject()) {
                double x = now * (k.equals("current") ? 1 : k.equals("at2x") ? 2 : 4);
                XYSeries s = chart.addSeries(k.equals("current") ? "now / predicted (95% interval)" : "pred " + k,
                        new double[] {x, x, x}, new double[] {v.path("low").asDouble(), v.path("value").asDouble(), v.path("high").asDouble()});
                paint(s, CUT, SeriesMarkers.DIAMOND, k.equals("current"));
            }
        }
        double y = suff.path("at2x").path("value").asDouble(Double.NaN);
        if (gainText != null && Double.isFinite(y)) {
            chart.addAnnotation(new AnnotationText(gainText, now * 2, Math.max(0.05, y - 0.06), false));
            chart.getStyler().setAnnotationTextFontColor(CUT.darker());
            chart.getStyler().setAnnotationTextFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 13));
        }
        chart.getStyler().setYAxisMax(1.0);
        return png(chart);
    }

    /** Data loss (cross-entropy without the L2 term) of training and validation, and validation accuracy. */
    static String training(String phase, List<RunMetrics.EpochRow> rows, int bestEpoch) {
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
        XYChart loss = new XYChartBuilder().width(500).height(300).title(phase + ": data loss (no L2 term)").xAxisTitle("epoch")
                .yAxisTitle("mean loss per image").build();
        style(loss);
        paint(loss.addSeries("train (mean over the epoch)", x, clean(tl)), ACCURACY, SeriesMarkers.CIRCLE, true);
        paint(loss.addSeries("validation (end of epoch)", x, clean(vl)), new Color(255, 127, 14), SeriesMarkers.DIAMOND, true);
        if (bestEpoch > 0) {
            loss.addAnnotation(new AnnotationLine(bestEpoch, true, false));
        }
        StringBuilder h = new StringBuilder(png(loss));
        if (hasAcc) {
            XYChart acc = new XYChartBuilder().width(500).height(300).title(phase + ": validation accuracy").xAxisTitle("epoch")
                    .yAxisTitle("accuracy").build();
            style(acc);
            paint(acc.addSeries("validation accuracy", x, clean(va)), new Color(255, 127, 14), SeriesMarkers.CIRCLE, true);
            if (bestEpoch > 0) {
                acc.addAnnotation(new AnnotationLine(bestEpoch, true, false));
            }
            h.append(png(acc));
        }
        return h.toString();
    }

    private static void mark(XYChart chart, double x, String text, double y) {
        chart.addAnnotation(new AnnotationLine(x, true, false));
        chart.addAnnotation(new AnnotationText(text, x, y, false));
        chart.getStyler().setAnnotationLineColor(CUT).setAnnotationLineStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)).setAnnotationTextFontColor(new Color(60, 60, 60));
    }

    private static void style(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
    }

    private static void paint(XYSeries s, Color c, org.knowm.xchart.style.markers.Marker marker, boolean legend) {
        s.setLineColor(c);
        s.setMarker(marker);
        s.setMarkerColor(c);
        s.setShowInLegend(legend);
    }

    /** 820 px for up to 8 layers, wider beyond (ResNet50 has 17 candidate cuts), at most 1,600. */
    static int chartWidth(int layers) {
        return layers <= 8 ? 820 : Math.min(1600, 820 + 50 * (layers - 8));
    }

    /**
     * The model's layer names written at each point (xchart's custom tick labels do not land on the
     * integer positions). When they would not fit side by side they go on up to three staggered rows
     * (row r at y + r * step) and, if still too long, lose their middle to an ellipsis.
     */
    static void layerNames(XYChart chart, String[] names, double y, double step) {
        chart.getStyler().setXAxisTicksVisible(false);
        int n = names.length;
        chart.getStyler().setAnnotationTextFont(new java.awt.Font(java.awt.Font.SANS_SERIF, n <= 8 ? java.awt.Font.BOLD : java.awt.Font.PLAIN, n <= 8 ? 12 : 11));
        String[] labels = labels(names, chart.getWidth());
        int rows = rows(names, chart.getWidth());
        for (int i = 0; i < n; i++) {
            chart.addAnnotation(new AnnotationText(labels[i], i, y + (i % rows) * step, false));
        }
    }

    /** About 7 px per character at the annotation font, and the plot's width per point. */
    private static final double CHAR_PX = 7;

    private static double pxPerPoint(int n, int width) {
        return (width - 110.0) / Math.max(1, n);
    }

    static int rows(String[] names, int width) {
        int longest = 0;
        for (String s : names) {
            longest = Math.max(longest, s.length());
        }
        return (int) Math.max(1, Math.min(3, Math.ceil((longest + 1) * CHAR_PX / pxPerPoint(names.length, width))));
    }

    /** The names as written: shortened in the middle to what fits the rows they get. */
    static String[] labels(String[] names, int width) {
        int fit = (int) Math.max(4, Math.floor(rows(names, width) * pxPerPoint(names.length, width) / CHAR_PX) - 1);
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            String s = names[i];
            out[i] = s.length() <= fit ? s : s.substring(0, (fit - 1) / 2) + "\u2026" + s.substring(s.length() - (fit - 1 - (fit - 1) / 2));
        }
        return out;
    }

    static double[] clean(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(out[i])) {
                out[i] = 0;
            }
        }
        return out;
    }

    static String png(XYChart chart) {
        try {
            byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "<img class=\"plot\" alt=\"" + HtmlReport.esc(chart.getTitle()) + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(bytes) + "\">";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot render chart " + chart.getTitle(), e);
        }
    }
}

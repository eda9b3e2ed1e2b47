package io.transferadvisor.probe;

import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.OutputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The transferability curve as a PNG or SVG: probe accuracy (with CI), similarity and LogME per cut. */
public final class ProfilePlot {
    private ProfilePlot() {}

    public static XYChart chart(DatasetProfile p) {
        List<LayerProbe> layers = p.layers();
        int n = layers.size();
        double[] x = new double[n];
        double[] acc = new double[n];
        double[] err = new double[n];
        double[] sim = new double[n];
        double[] logme = new double[n];
        for (int i = 0; i < n; i++) {
            LayerProbe l = layers.get(i);
            x[i] = i;
            acc[i] = l.probeAccuracy().value();
            err[i] = Math.max(l.probeAccuracy().value() - l.probeAccuracy().low(), l.probeAccuracy().high() - l.probeAccuracy().value());
            sim[i] = Double.isNaN(l.similarity()) ? 0 : l.similarity();
            logme[i] = l.logme().value();
        }
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Transferability of " + p.model() + " features for " + p.dataset())
                .xAxisTitle("cut layer (input side first)").yAxisTitle("accuracy / similarity").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMax(0, 1.0);
        chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> {
            int i = (int) Math.round(v);
            return Math.abs(v - i) < 1e-6 && i >= 0 && i < n ? layers.get(i).layer() : "";
        });
        chart.getStyler().setXAxisDecimalPattern("0");
        XYSeries a = chart.addSeries("linear-probe accuracy (95% CI)", x, acc, err);
        a.setMarker(SeriesMarkers.CIRCLE);
        XYSeries s = chart.addSeries("similarity to source", x, sim);
        s.setMarker(SeriesMarkers.DIAMOND);
        XYSeries l = chart.addSeries("LogME (right axis)", x, logme);
        l.setYAxisGroup(1);
        l.setMarker(SeriesMarkers.SQUARE);
        chart.setYAxisGroupTitle(1, "LogME per sample");
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        return chart;
    }

    /** Writes a .png or .svg (by extension), atomically. */
    public static void write(DatasetProfile p, Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        XYChart chart = chart(p);
        if (name.endsWith(".png")) {
            // signed (a tEXt chunk) so that --force can tell a plot of ours from someone's picture
            AtomicFiles.write(file, out -> {
                java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
                BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
                out.write(io.transferadvisor.util.OwnFiles.signPng(png.toByteArray()));
            });
        } else if (name.endsWith(".svg")) {
            AtomicFiles.write(file, out -> {
                VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
                out.write(("\n" + io.transferadvisor.util.OwnFiles.svgComment() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            });
        } else {
            throw new OutputException("plot file " + file + " has an unknown type; use a name ending in .png or .svg");
        }
    }
}

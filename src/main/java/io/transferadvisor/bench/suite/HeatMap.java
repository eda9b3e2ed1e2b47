package io.transferadvisor.bench.suite;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.OwnFiles;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The benchmark suite's heat map: the textbook "dataset size x domain similarity" matrix, filled in
 * from measured runs instead of from the textbook. Each cell is painted in the colour of the strategy
 * with the lowest mean regret over the runs that fall in it; each run is a marker in its cell,
 * coloured by the strategy the advisor chose. Pure Java2D on a BufferedImage (no display needed).
 */
public final class HeatMap {
    private HeatMap() {}

    /**
     * One benchmark task run (a task at one seed).
     *
     * @param task             task id
     * @param perClass         labelled images per class (x axis, log scale)
     * @param similarity       measured domain similarity in [0,1] (y axis)
     * @param regretByStrategy strategy name -> regret in accuracy points of that strategy's best cut on this run (>= 0; 0 = it is the oracle)
     * @param advisorStrategy  the strategy the advisor chose on this run
     * @param advisorRegret    the advisor's regret on this run, points
     * @param calibration      true for calibration tasks, false for held-out
     */
    public record Point(String task, int perClass, double similarity, Map<String, Double> regretByStrategy,
                        String advisorStrategy, double advisorRegret, boolean calibration) {
        public Point {
            if (task == null || task.isBlank()) {
                throw new IllegalArgumentException("heat map point.task is missing; give the task id");
            }
            if (perClass < 1) {
                throw new IllegalArgumentException("heat map point " + task + ": perClass " + perClass + " must be >= 1");
            }
            if (!(similarity >= 0 && similarity <= 1)) {
                throw new IllegalArgumentException("heat map point " + task + ": similarity " + similarity + " out of range; allowed 0..1");
            }
            if (regretByStrategy == null || regretByStrategy.isEmpty()) {
                throw new IllegalArgumentException("heat map point " + task + ": regretByStrategy is empty; give at least one strategy's regret");
            }
            regretByStrategy.forEach((s, r) -> {
                requireStrategy(task, "regretByStrategy key", s);
                if (r == null || !(r >= 0) || r.isInfinite()) {
                    throw new IllegalArgumentException("heat map point " + task + ": regret of " + s + " is " + r + "; must be a finite number >= 0");
                }
            });
            regretByStrategy = Collections.unmodifiableMap(new TreeMap<>(regretByStrategy));
            requireStrategy(task, "advisorStrategy", advisorStrategy);
            if (!(advisorRegret >= 0) || Double.isInfinite(advisorRegret)) {
                throw new IllegalArgumentException("heat map point " + task + ": advisorRegret " + advisorRegret + " must be a finite number >= 0");
            }
        }

        private static void requireStrategy(String task, String field, String name) {
            if (name == null || Arrays.stream(Strategy.values()).noneMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("heat map point " + task + ": " + field + " '" + name + "' is not a strategy; valid: "
                        + Arrays.toString(Strategy.values()));
            }
        }
    }

    /** Size bins (images per class): a run with n per class is in the last bin whose lower edge is <= n. */
    static final int[] SIZE_EDGES = {0, 7, 15, 35, 120, 500, Integer.MAX_VALUE};
    /** Labels of the size bins, named by the typical size in each. */
    static final String[] SIZE_LABELS = {"3-6", "10", "20", "50", "200", "1000+"};
    /** The exact range of each size bin, printed under its label. */
    static final String[] SIZE_RANGES = {"1-6", "7-14", "15-34", "35-119", "120-499", ">= 500"};
    /** Similarity bins: [0, 0.5), [0.5, 0.6), ..., [0.9, 1.0]; 1.0 is in the last bin. */
    static final double[] SIMILARITY_EDGES = {0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    /** Runs above this regret (accuracy points) get a red ring. */
    static final double BAD_REGRET = 5.0;

    /** The size bin (0 = smallest, leftmost column) of a run with this many images per class. */
    static int sizeBin(int perClass) {
        for (int b = SIZE_EDGES.length - 2; b >= 0; b--) {
            if (perClass >= SIZE_EDGES[b]) {
                return b;
            }
        }
        return 0;
    }

    /** The similarity bin (0 = lowest, bottom row) of a similarity in [0, 1]. */
    static int similarityBin(double similarity) {
        for (int b = SIMILARITY_EDGES.length - 2; b >= 0; b--) {
            if (similarity >= SIMILARITY_EDGES[b]) {
                return b;
            }
        }
        return 0;
    }

    static String sizeLabel(int bin) {
        return SIZE_LABELS[bin];
    }

    static String similarityLabel(int bin) {
        return String.format(java.util.Locale.ROOT, "%.1f-%.1f", SIMILARITY_EDGES[bin], SIMILARITY_EDGES[bin + 1]);
    }

    static int sizeBins() {
        return SIZE_LABELS.length;
    }

    static int similarityBins() {
        return SIMILARITY_EDGES.length - 1;
    }

    /** The pixel rectangle of a cell in the written PNG (similarity bin 0 is the bottom row). */
    static Rectangle cellRect(int sizeBin, int similarityBin) {
        return HeatMapCanvas.cellRect(sizeBin, similarityBin);
    }

    /**
     * The runs in one cell and the strategy that wins it.
     *
     * @param winner     the strategy with the lowest mean regret over the runs, or null for an empty cell
     * @param meanRegret the winner's mean regret, points
     */
    record Cell(List<Point> points, String winner, double meanRegret) {
        Cell {
            points = List.copyOf(points);
        }

        boolean empty() {
            return points.isEmpty();
        }
    }

    /**
     * The winner of a set of runs: lowest mean regret, ties to the alphabetically first name. Only
     * strategies measured on every run compete (one lucky run must not beat a strategy measured on
     * ten); if no strategy was measured on all of them, every strategy competes on the runs it has.
     */
    static Cell cell(List<Point> points) {
        if (points.isEmpty()) {
            return new Cell(points, null, Double.NaN);
        }
        Map<String, double[]> sums = new TreeMap<>(); // name -> {sum, count}
        for (Point p : points) {
            p.regretByStrategy().forEach((s, r) -> {
                double[] a = sums.computeIfAbsent(s, k -> new double[2]);
                a[0] += r;
                a[1]++;
            });
        }
        boolean anyComplete = sums.values().stream().anyMatch(a -> a[1] == points.size());
        String winner = null;
        double best = Double.POSITIVE_INFINITY;
        for (Map.Entry<String, double[]> e : sums.entrySet()) { // alphabetical: strict < keeps the first of a tie
            double[] a = e.getValue();
            if (anyComplete && a[1] != points.size()) {
                continue;
            }
            double mean = a[0] / a[1];
            if (mean < best) {
                best = mean;
                winner = e.getKey();
            }
        }
        return new Cell(points, winner, best);
    }

    /** Every cell, indexed [sizeBin][similarityBin], with its runs in input order. */
    static Cell[][] cells(List<Point> points) {
        List<List<Point>> bins = new ArrayList<>();
        for (int i = 0; i < sizeBins() * similarityBins(); i++) {
            bins.add(new ArrayList<>());
        }
        for (Point p : points) {
            bins.get(sizeBin(p.perClass()) * similarityBins() + similarityBin(p.similarity())).add(p);
        }
        Cell[][] cells = new Cell[sizeBins()][similarityBins()];
        for (int x = 0; x < sizeBins(); x++) {
            for (int y = 0; y < similarityBins(); y++) {
                cells[x][y] = cell(bins.get(x * similarityBins() + y));
            }
        }
        return cells;
    }

    /** The heat map as an image (same input, same pixels). */
    static BufferedImage render(List<Point> points, String title) {
        if (points == null || title == null) {
            throw new IllegalArgumentException("heat map needs a list of points (may be empty) and a title; got "
                    + (points == null ? "no points" : "no title"));
        }
        return HeatMapCanvas.paint(cells(points), title);
    }

    /** Writes the PNG atomically (temp file in the same folder + rename). */
    public static void write(List<Point> points, String title, Path png) throws IOException {
        BufferedImage image = render(points, title);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("no PNG writer in this Java runtime; cannot write " + png);
        }
        // signed (a tEXt chunk) like the tool's other plots, so that --force knows the file is ours
        byte[] signed = OwnFiles.signPng(bytes.toByteArray());
        AtomicFiles.writeBytes(png, signed);
    }
}

package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.HeatMap.Cell;
import io.transferadvisor.bench.suite.HeatMap.Point;
import io.transferadvisor.plan.Strategy;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Draws the heat map: layout, colours, cell labels, run markers and the legend. */
final class HeatMapCanvas {
    private HeatMapCanvas() {}

    static final int WIDTH = 1000;
    static final int HEIGHT = 700;
    private static final int GRID_X = 110;
    private static final int GRID_Y = 72;
    private static final int CELL_W = 108;
    private static final int CELL_H = 88;
    private static final int LEGEND_X = GRID_X + 6 * CELL_W + 24;
    /** Height of the label block at the top of a cell; markers go below it. */
    private static final int LABEL_H = 48;
    private static final int MARKER = 8;

    static final Color EMPTY = new Color(0xE6E6E6);
    static final Color BAD = new Color(0xE00000);
    private static final Color INK = new Color(0x222222);
    private static final Color MUTED = new Color(0x666666);
    private static final Color OUTLINE = new Color(0x444444);

    private record Look(String shortName, Color colour) {}

    /** Okabe-Ito palette (colour-blind safe), one fixed colour per strategy. */
    private static final Map<Strategy, Look> LOOKS = new EnumMap<>(Map.of(
            Strategy.LINEAR_FROZEN, new Look("linear", new Color(0x56B4E9)),
            Strategy.LINEAR_EARLIER, new Look("linear early", new Color(0x0072B2)),
            Strategy.TRUNCATE_GROW, new Look("truncate+grow", new Color(0x009E73)),
            Strategy.FINETUNE_ABOVE, new Look("finetune above", new Color(0xE69F00)),
            Strategy.FINETUNE_ALL, new Look("finetune all", new Color(0xD55E00)),
            Strategy.FROM_SCRATCH, new Look("from scratch", new Color(0x000000)),
            Strategy.AUTOENCODER_TRANSFER, new Look("autoencoder", new Color(0xF0E442)),
            Strategy.ENSEMBLE, new Look("ensemble", new Color(0xCC79A7))));

    static Color colour(String strategy) {
        return LOOKS.get(Strategy.valueOf(strategy)).colour();
    }

    static String shortName(String strategy) {
        return LOOKS.get(Strategy.valueOf(strategy)).shortName();
    }

    static Rectangle cellRect(int sizeBin, int similarityBin) {
        int row = HeatMap.similarityBins() - 1 - similarityBin;
        return new Rectangle(GRID_X + sizeBin * CELL_W, GRID_Y + row * CELL_H, CELL_W, CELL_H);
    }

    static BufferedImage paint(Cell[][] cells, String title) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            titles(g, title);
            for (int x = 0; x < cells.length; x++) {
                for (int y = 0; y < cells[x].length; y++) {
                    cell(g, cellRect(x, y), cells[x][y]);
                }
            }
            axes(g);
            legend(g);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void titles(Graphics2D g, String title) {
        g.setColor(INK);
        g.setFont(font(Font.BOLD, 18));
        text(g, fit(g, title, WIDTH - 40), WIDTH / 2, 28, 0);
        g.setColor(MUTED);
        g.setFont(font(Font.PLAIN, 12));
        text(g, "cell colour: the strategy with the lowest mean regret (accuracy points) over the runs in the cell;"
                + " each marker is one run, coloured by the advisor's choice", WIDTH / 2, 50, 0);
    }

    private static void cell(Graphics2D g, Rectangle r, Cell c) {
        Rectangle inner = new Rectangle(r.x + 1, r.y + 1, r.width - 2, r.height - 2); // white gutters between cells
        int cx = r.x + r.width / 2;
        if (c.empty()) {
            g.setColor(EMPTY);
            g.fill(inner);
            g.setColor(MUTED);
            g.setFont(font(Font.PLAIN, 12));
            text(g, "no task", cx, r.y + r.height / 2 + 4, 0);
            return;
        }
        Color fill = colour(c.winner());
        g.setColor(fill);
        g.fill(inner);
        g.setColor(textOn(fill));
        g.setFont(font(Font.BOLD, 13));
        for (Font f : List.of(font(Font.BOLD, 12), font(Font.PLAIN, 12))) { // 12 px is the smallest the map uses
            if (g.getFontMetrics().stringWidth(shortName(c.winner())) > r.width - 12) {
                g.setFont(f);
            }
        }
        text(g, shortName(c.winner()), cx, r.y + 17, 0);
        g.setFont(font(Font.PLAIN, 12));
        text(g, String.format(Locale.ROOT, "regret %.1f", c.meanRegret()), cx, r.y + 31, 0);
        text(g, "n=" + c.points().size(), cx, r.y + 45, 0);
        markers(g, r, c.points());
    }

    /**
     * One marker per run in the band below the labels. Runs are laid out on slots in the order of
     * their task's hash (then task id, then input order), so a run's place depends on its task, not
     * on chance, and the seeds of a task sit side by side; the slot pitch shrinks if the cell is crowded.
     */
    private static void markers(Graphics2D g, Rectangle r, List<Point> points) {
        List<Point> order = new ArrayList<>(points);
        order.sort(Comparator.comparingInt((Point p) -> p.task().hashCode()).thenComparing(Point::task)); // stable sort keeps input order
        // a white tray so that every marker reads the same whatever the cell's colour
        g.setColor(Color.WHITE);
        g.fill(new java.awt.geom.RoundRectangle2D.Double(r.x + 5, r.y + LABEL_H + 1, r.width - 10, r.height - LABEL_H - 6, 8, 8));
        int bandX = r.x + 7;
        int bandY = r.y + LABEL_H + 2;
        int bandW = r.width - 14;
        int bandH = r.height - LABEL_H - 8;
        double pitch = 13;
        int cols;
        int rows;
        while (true) {
            cols = Math.max(1, (int) (bandW / pitch));
            rows = Math.max(1, (int) (bandH / pitch));
            if (cols * rows >= order.size() || pitch <= 6) {
                break;
            }
            pitch -= 1;
        }
        int used = Math.min(order.size(), cols);
        int usedRows = Math.min(rows, (order.size() + cols - 1) / cols);
        double left = bandX + (bandW - used * pitch) / 2 + pitch / 2; // centre the used columns and rows
        double top = bandY + (bandH - usedRows * pitch) / 2 + pitch / 2;
        for (int i = 0; i < order.size(); i++) {
            double x = left + (i % cols) * pitch;
            double y = top + ((i / cols) % rows) * pitch;
            Point p = order.get(i);
            marker(g, x, y, pitch / 13, p.calibration(), colour(p.advisorStrategy()), p.advisorRegret() > HeatMap.BAD_REGRET);
        }
    }

    /**
     * A filled circle (calibration) or hollow square (held-out) in the advisor's colour with a thin
     * dark outline (so that yellow reads on white), and a red ring when the advisor's regret is bad;
     * {@code scale} < 1 shrinks it to fit a crowded cell (at 1 it spans 15 px with the ring).
     */
    static void marker(Graphics2D g, double x, double y, double scale, boolean calibration, Color colour, boolean bad) {
        double k = Math.min(1, scale);
        double s = MARKER * k;
        if (bad) {
            g.setColor(BAD);
            g.fill(shape(calibration, x, y, s + 7 * k));
        }
        g.setColor(Color.WHITE);
        g.fill(shape(calibration, x, y, s + 3 * k));
        g.setStroke(new BasicStroke(1f));
        if (calibration) {
            g.setColor(colour);
            g.fill(shape(true, x, y, s));
            g.setColor(OUTLINE);
            g.draw(shape(true, x, y, s));
        } else {
            g.setColor(OUTLINE);
            g.draw(shape(false, x, y, s + k));
            g.setColor(colour);
            g.setStroke(new BasicStroke((float) (2 * k)));
            g.draw(shape(false, x, y, s - 2 * k));
            g.setStroke(new BasicStroke(1f));
        }
    }

    private static Shape shape(boolean circle, double x, double y, double size) {
        return circle ? new Ellipse2D.Double(x - size / 2, y - size / 2, size, size)
                : new Rectangle2D.Double(x - size / 2, y - size / 2, size, size);
    }

    private static void axes(Graphics2D g) {
        int gridBottom = GRID_Y + HeatMap.similarityBins() * CELL_H;
        for (int x = 0; x < HeatMap.sizeBins(); x++) {
            int cx = cellRect(x, 0).x + CELL_W / 2;
            g.setColor(INK);
            g.setFont(font(Font.BOLD, 13));
            text(g, HeatMap.sizeLabel(x), cx, gridBottom + 18, 0);
            g.setColor(MUTED);
            g.setFont(font(Font.PLAIN, 12));
            text(g, HeatMap.SIZE_RANGES[x], cx, gridBottom + 33, 0);
        }
        g.setColor(INK);
        g.setFont(font(Font.BOLD, 13));
        text(g, "labelled images per class", GRID_X + HeatMap.sizeBins() * CELL_W / 2, gridBottom + 56, 0);
        for (int y = 0; y < HeatMap.similarityBins(); y++) {
            Rectangle r = cellRect(0, y);
            g.setFont(font(Font.PLAIN, 13));
            text(g, HeatMap.similarityLabel(y), GRID_X - 8, r.y + r.height / 2 + 5, 1);
        }
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, 26, GRID_Y + HeatMap.similarityBins() * CELL_H / 2.0);
        g.setFont(font(Font.BOLD, 13));
        text(g, "measured similarity (probe)", 26, GRID_Y + HeatMap.similarityBins() * CELL_H / 2 + 5, 0);
        g.setTransform(saved);
    }

    private static void legend(Graphics2D g) {
        int x = LEGEND_X;
        int y = GRID_Y + 4;
        g.setColor(INK);
        g.setFont(font(Font.BOLD, 13));
        text(g, "strategy colours", x, y + 10, -1);
        y += 22;
        for (Strategy s : Strategy.values()) {
            Look look = LOOKS.get(s);
            g.setColor(look.colour());
            g.fillRect(x, y, 16, 16);
            g.setColor(Color.GRAY);
            g.drawRect(x, y, 16, 16);
            g.setColor(INK);
            g.setFont(font(Font.BOLD, 12));
            text(g, look.shortName(), x + 24, y + 8, -1);
            g.setColor(MUTED);
            g.setFont(font(Font.PLAIN, 12));
            text(g, s.name(), x + 24, y + 22, -1);
            y += 33;
        }
        g.setColor(EMPTY);
        g.fillRect(x, y, 16, 16);
        g.setColor(INK);
        g.setFont(font(Font.PLAIN, 12));
        text(g, "no task in this cell", x + 24, y + 13, -1);
        y += 38;
        g.setFont(font(Font.BOLD, 13));
        text(g, "markers: one per run", x, y, -1);
        y += 20;
        Color demo = new Color(0x777777);
        marker(g, x + 8, y, 1, true, demo, false);
        g.setColor(INK);
        g.setFont(font(Font.PLAIN, 12));
        text(g, "calibration task", x + 24, y + 4, -1);
        y += 22;
        marker(g, x + 8, y, 1, false, demo, false);
        g.setColor(INK);
        text(g, "held-out task", x + 24, y + 4, -1);
        y += 22;
        marker(g, x + 8, y, 1, true, demo, true);
        g.setColor(INK);
        text(g, String.format(Locale.ROOT, "advisor regret > %.0f points", HeatMap.BAD_REGRET), x + 24, y + 4, -1);
        y += 22;
        text(g, "marker colour: the advisor's", x, y + 4, -1);
        text(g, "strategy on that run", x, y + 19, -1);
    }

    /** Black or white, whichever reads better on the fill (relative luminance). */
    static Color textOn(Color fill) {
        double l = 0.2126 * lin(fill.getRed()) + 0.7152 * lin(fill.getGreen()) + 0.0722 * lin(fill.getBlue());
        return l > 0.18 ? Color.BLACK : Color.WHITE;
    }

    private static double lin(int c) {
        double v = c / 255.0;
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    private static Font font(int style, int size) {
        return new Font(Font.SANS_SERIF, style, size);
    }

    /** Draws text at baseline y; align -1 = left edge at x, 0 = centred on x, 1 = right edge at x. */
    private static void text(Graphics2D g, String s, double x, double y, int align) {
        int w = g.getFontMetrics().stringWidth(s);
        double left = align < 0 ? x : align == 0 ? x - w / 2.0 : x - w;
        g.drawString(s, (float) left, (float) y);
    }

    /** The text, cut with an ellipsis to fit the width. */
    private static String fit(Graphics2D g, String s, int width) {
        FontMetrics m = g.getFontMetrics();
        if (m.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (!t.isEmpty() && m.stringWidth(t + "...") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "...";
    }
}

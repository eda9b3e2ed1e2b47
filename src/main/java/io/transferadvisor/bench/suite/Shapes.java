package io.transferadvisor.bench.suite;

import io.transferadvisor.synth.Canvas;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Simple geometric shapes as 28x28 white-on-black images with random size, position, rotation
 * and fill. Rotation is limited for the kinds that would otherwise turn into one another (a
 * square at 45 degrees is a diamond, a plus at 45 degrees is a cross).
 */
public final class Shapes {
    public static final List<String> KINDS = List.of(
            "circle", "square", "triangle", "cross", "plus", "star", "ring",
            "diamond", "hexagon", "arrow", "crescent", "heart");

    private Shapes() {}

    /**
     * One {@code kind}: extent 40-85% of the image (ring 55-85%, so its inner ring stays open),
     * up to 3 px position jitter inside the frame, rotated, filled or outlined with a 1.5-3 px
     * stroke, antialiased.
     */
    public static float[] render(String kind, Random rnd) {
        Shape unit = unitShape(kind, false);
        double maxTurn = maxRotationDegrees(kind);
        double minExtent = kind.equals("ring") ? 0.55 : 0.40;
        double radius = Canvas.SIZE * (minExtent + (0.85 - minExtent) * rnd.nextDouble()) / 2;
        double angle = Math.toRadians(maxTurn * (2 * rnd.nextDouble() - 1));
        double room = Math.max(0, Math.min(3, Canvas.SIZE / 2.0 - radius - 0.5));
        double dx = room * (2 * rnd.nextDouble() - 1);
        double dy = room * (2 * rnd.nextDouble() - 1);
        boolean filled = rnd.nextBoolean();
        float stroke = (float) (1.5 + 1.5 * rnd.nextDouble());

        AffineTransform t = new AffineTransform();
        t.translate(Canvas.CENTER + dx, Canvas.CENTER + dy);
        t.rotate(angle);
        t.scale(radius, radius);
        BufferedImage img = Canvas.image();
        Graphics2D g = Canvas.graphics(img);
        try {
            if (filled) {
                g.fill(t.createTransformedShape(unit));
            } else {
                g.setStroke(new BasicStroke(stroke, BasicStroke.CAP_ROUND, BasicStroke.JOIN_MITER));
                g.draw(t.createTransformedShape(unitShape(kind, true)));
            }
        } finally {
            g.dispose();
        }
        return Canvas.pixels(img);
    }

    private static double maxRotationDegrees(String kind) {
        return switch (kind) {
            case "square", "plus", "cross", "diamond" -> 20; // 45 degrees apart from a twin kind
            case "heart" -> 25;
            case "arrow" -> 45;
            default -> 180;
        };
    }

    /** The kind within the unit circle, centred on the origin; {@code outline} = the path to stroke. */
    private static Shape unitShape(String kind, boolean outline) {
        return switch (kind) {
            case "circle" -> disc(0, 0, 1);
            case "square" -> new Rectangle2D.Double(-0.7, -0.7, 1.4, 1.4);
            case "triangle" -> polygon(3, 1, -90);
            case "plus" -> plus();
            case "cross" -> AffineTransform.getRotateInstance(Math.PI / 4).createTransformedShape(plus());
            case "star" -> star();
            case "ring" -> ring(outline);
            case "diamond" -> path(new double[] {0, -1, 0.6, 0, 0, 1, -0.6, 0});
            case "hexagon" -> polygon(6, 1, 0);
            case "arrow" -> arrow();
            case "crescent" -> crescent();
            case "heart" -> heart();
            default -> throw new IllegalArgumentException(unknown(kind));
        };
    }

    private static String unknown(String kind) {
        String nearest = KINDS.stream()
                .min(Comparator.comparingInt((String k) -> io.transferadvisor.util.Suggest.distance(k, String.valueOf(kind))))
                .orElseThrow();
        return "shape kind '" + kind + "' is unknown; did you mean '" + nearest + "'? valid: " + String.join(", ", KINDS);
    }


    private static Shape disc(double cx, double cy, double r) {
        return new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
    }

    private static Shape polygon(int n, double r, double startDegrees) {
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double a = Math.toRadians(startDegrees + 360.0 * i / n);
            xy[2 * i] = r * Math.cos(a);
            xy[2 * i + 1] = r * Math.sin(a);
        }
        return path(xy);
    }

    private static Shape path(double[] xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    private static Shape plus() {
        double h = 0.3;
        Area a = new Area(new Rectangle2D.Double(-1, -h, 2, 2 * h));
        a.add(new Area(new Rectangle2D.Double(-h, -1, 2 * h, 2)));
        return a;
    }

    private static Shape star() {
        double[] xy = new double[20];
        for (int i = 0; i < 10; i++) {
            double r = i % 2 == 0 ? 1 : 0.42;
            double a = Math.toRadians(-90 + 36 * i);
            xy[2 * i] = r * Math.cos(a);
            xy[2 * i + 1] = r * Math.sin(a);
        }
        return path(xy);
    }

    /** Filled: a thick band with a dot in the middle (a bullseye); outlined: two concentric circles. */
    private static Shape ring(boolean outline) {
        if (outline) {
            Path2D.Double p = new Path2D.Double(disc(0, 0, 1));
            p.append(disc(0, 0, 0.45), false);
            return p;
        }
        Area a = new Area(disc(0, 0, 1));
        a.subtract(new Area(disc(0, 0, 0.62)));
        a.add(new Area(disc(0, 0, 0.28)));
        return a;
    }

    private static Shape arrow() {
        Area a = new Area(new Rectangle2D.Double(-1, -0.2, 1.15, 0.4));
        a.add(new Area(path(new double[] {0.1, -0.65, 1, 0, 0.1, 0.65})));
        return a;
    }

    private static Shape crescent() {
        Area a = new Area(disc(0, 0, 1));
        a.subtract(new Area(disc(0.5, -0.15, 0.85)));
        return a;
    }

    private static Shape heart() {
        Area a = new Area(disc(-0.45, -0.35, 0.5));
        a.add(new Area(disc(0.45, -0.35, 0.5)));
        a.add(new Area(path(new double[] {-0.93, -0.2, 0.93, -0.2, 0, 0.95})));
        return a;
    }
}

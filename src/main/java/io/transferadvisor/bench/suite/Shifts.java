package io.transferadvisor.bench.suite;

import io.transferadvisor.synth.Canvas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Input shifts with a severity, for tasks that keep the labels and change the input. Syntax:
 * {@code name} or {@code name:value}, chained with {@code +} and applied left to right, e.g.
 * {@code invert+blur:1.0}. Values are parsed locale-independently (always a '.' decimal point).
 */
public final class Shifts {

    /** A shift's name, whether it takes a value, the allowed range and an example. */
    private enum Kind {
        NONE("none"), INVERT("invert"), FLIP("flip"), MIRROR("mirror"), EDGES("edges"),
        ROTATE("rotate", "degrees", -360, true, 360, true, false, "rotate:90"),
        ROTATE_RANDOM("rotate-random", "degrees", 0, true, 180, true, false, "rotate-random:30"),
        BLUR("blur", "sigma", 0, true, 5, true, false, "blur:1.0"),
        NOISE("noise", "sd", 0, true, 1, true, false, "noise:0.1"),
        CONTRAST("contrast", "factor", 0, false, 1, true, false, "contrast:0.5"),
        TRANSLATE("translate", "pixels", 0, true, 13, true, true, "translate:3"),
        SCALE("scale", "factor", 0.2, true, 3, true, false, "scale:0.6"),
        OCCLUDE("occlude", "area fraction", 0, true, 1, true, false, "occlude:0.25");

        final String label;
        final String valueName;
        final double min;
        final boolean minInclusive;
        final double max;
        final boolean maxInclusive;
        final boolean integer;
        final String example;

        Kind(String label) {
            this(label, null, 0, true, 0, true, false, label);
        }

        Kind(String label, String valueName, double min, boolean minInclusive, double max, boolean maxInclusive,
                boolean integer, String example) {
            this.label = label;
            this.valueName = valueName;
            this.min = min;
            this.minInclusive = minInclusive;
            this.max = max;
            this.maxInclusive = maxInclusive;
            this.integer = integer;
            this.example = example;
        }

        boolean takesValue() {
            return valueName != null;
        }

        String range() {
            return (minInclusive ? "[" : "(") + fmt(min) + ", " + fmt(max) + (maxInclusive ? "]" : ")");
        }
    }

    private record Step(Kind kind, double value) {}

    private Shifts() {}

    /** Throws IllegalArgumentException with a one-line message if {@code shift} is not a valid shift. */
    public static void check(String shift) {
        parse(shift);
    }

    /** {@code img} under {@code shift}, as a new array; random shifts draw from {@code rnd}. */
    public static float[] apply(float[] img, String shift, Random rnd) {
        if (img.length != Canvas.PIXELS) {
            throw new IllegalArgumentException("image has " + img.length + " values; shifts need 28x28 = " + Canvas.PIXELS);
        }
        float[] out = img.clone();
        for (Step s : parse(shift)) {
            out = switch (s.kind()) {
                case NONE -> out;
                case INVERT -> PixelOps.invert(out);
                case FLIP -> PixelOps.flip(out);
                case MIRROR -> PixelOps.mirror(out);
                case EDGES -> PixelOps.edges(out);
                case ROTATE -> PixelOps.rotate(out, s.value());
                case ROTATE_RANDOM -> PixelOps.rotate(out, s.value() * (2 * rnd.nextDouble() - 1));
                case BLUR -> PixelOps.blur(out, s.value());
                case NOISE -> PixelOps.noise(out, s.value(), rnd);
                case CONTRAST -> PixelOps.contrast(out, s.value());
                case TRANSLATE -> PixelOps.translate(out, (int) s.value(), rnd);
                case SCALE -> PixelOps.scale(out, s.value());
                case OCCLUDE -> PixelOps.occlude(out, s.value(), rnd);
            };
        }
        return out;
    }

    private static List<Step> parse(String shift) {
        if (shift == null || shift.isBlank()) {
            throw new IllegalArgumentException("shift is empty; use 'none' or e.g. 'invert+blur:1.0'; valid: " + names());
        }
        List<Step> steps = new ArrayList<>();
        for (String part : shift.split("\\+", -1)) {
            steps.add(step(shift, part.strip()));
        }
        return steps;
    }

    private static Step step(String whole, String part) {
        String where = "shift '" + whole + "': ";
        if (part.isEmpty()) {
            throw new IllegalArgumentException(where + "empty step between '+' signs; chain steps like 'invert+blur:1.0'");
        }
        int colon = part.indexOf(':');
        String name = colon < 0 ? part : part.substring(0, colon);
        Kind kind = Arrays.stream(Kind.values()).filter(k -> k.label.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(where + "unknown shift '" + name + "'; valid: " + names()));
        if (!kind.takesValue()) {
            if (colon >= 0) {
                throw new IllegalArgumentException(where + "'" + name + "' takes no value but got '" + part.substring(colon + 1) + "'; write just '" + name + "'");
            }
            return new Step(kind, 0);
        }
        if (colon < 0 || colon == part.length() - 1) {
            throw new IllegalArgumentException(where + "'" + name + "' needs a " + kind.valueName + " in " + kind.range() + ", e.g. " + kind.example);
        }
        String text = part.substring(colon + 1).strip();
        double v;
        try {
            v = Double.parseDouble(text); // locale-independent by specification
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + name + " " + kind.valueName + " '" + text + "' is not a number; e.g. " + kind.example, e);
        }
        boolean inRange = Double.isFinite(v)
                && (kind.minInclusive ? v >= kind.min : v > kind.min)
                && (kind.maxInclusive ? v <= kind.max : v < kind.max);
        if (!inRange) {
            throw new IllegalArgumentException(where + name + " " + kind.valueName + " " + text + " is outside " + kind.range() + "; e.g. " + kind.example);
        }
        if (kind.integer && v != Math.rint(v)) {
            throw new IllegalArgumentException(where + name + " " + kind.valueName + " " + text + " is not a whole number; e.g. " + kind.example);
        }
        return new Step(kind, v);
    }

    /** Every shift name, with its value form, for error messages and help text. */
    public static String names() {
        return Arrays.stream(Kind.values())
                .map(k -> k.takesValue() ? k.label + ":" + k.valueName.toUpperCase(Locale.ROOT).replace(' ', '_') : k.label)
                .collect(Collectors.joining(", "));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%d", (long) v) : String.format(Locale.ROOT, "%s", v);
    }
}

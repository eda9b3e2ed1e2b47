package io.transferadvisor.synth;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Characters rendered from the TrueType/OpenType fonts installed on this machine, as 28x28
 * white-on-black images with random font, weight, size, rotation and offset. Fonts are split
 * into two disjoint pools by a hash of their file name so calibration tasks can draw from fonts
 * that held-out tasks never see.
 */
public final class Glyphs {
    /** System property overriding the font root (tests point it at a temporary directory). */
    public static final String FONTS_DIR_PROPERTY = "advisor.fonts.dir";
    static final Path DEFAULT_FONTS_DIR = Path.of("/usr/share/fonts");

    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);
    /** Size the outlines are taken at before being scaled to the canvas (precision only). */
    private static final float REFERENCE_SIZE = 100f;
    private static final Map<Path, List<Path>> FILES = new ConcurrentHashMap<>();
    private static final Map<LoadKey, List<Font>> LOADED = new ConcurrentHashMap<>();

    private record LoadKey(List<Path> files, String chars) {}

    private Glyphs() {}

    /**
     * Every *.ttf and *.otf file (the formats {@link Font#createFont} loads as TRUETYPE_FONT) under
     * /usr/share/fonts or the {@value #FONTS_DIR_PROPERTY} directory, recursively, sorted by path.
     * A missing root gives an empty list.
     */
    public static List<Path> fontFiles() {
        String override = System.getProperty(FONTS_DIR_PROPERTY);
        Path root = override == null || override.isBlank() ? DEFAULT_FONTS_DIR : Path.of(override);
        return FILES.computeIfAbsent(root.toAbsolutePath().normalize(), Glyphs::scan);
    }

    private static List<Path> scan(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).filter(Glyphs::isTrueType).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list fonts under " + root + ": " + e.getMessage(), e);
        }
    }

    private static boolean isTrueType(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".ttf") || name.endsWith(".otf");
    }

    /**
     * The fonts among {@code files} that render every char of {@code chars} with a non-empty
     * outline, in the order of {@code files}. Files that do not load, and symbol fonts (whose 'A'
     * and 'B' render identically, or which lack them), are left out: they are not usable glyph
     * sources, so dropping them is the point rather than an error.
     */
    public static List<Font> load(List<Path> files, String chars) {
        if (chars == null || chars.isEmpty()) {
            throw new IllegalArgumentException("glyph chars is empty; pass the characters the fonts must render, e.g. \"0123456789\"");
        }
        return LOADED.computeIfAbsent(new LoadKey(List.copyOf(files), chars), k -> loadUncached(k.files(), k.chars()));
    }

    private static List<Font> loadUncached(List<Path> files, String chars) {
        List<Font> out = new ArrayList<>();
        for (Path file : files) {
            Font font;
            try {
                font = Font.createFont(Font.TRUETYPE_FONT, file.toFile());
            } catch (FontFormatException | IOException e) {
                continue; // not a font Java2D can load: not a glyph source
            }
            if (usable(font, chars)) {
                out.add(font);
            }
        }
        return List.copyOf(out);
    }

    private static boolean usable(Font font, String chars) {
        if (font.canDisplayUpTo(chars) != -1 || font.canDisplayUpTo("AB") != -1) {
            return false;
        }
        Font big = font.deriveFont(REFERENCE_SIZE);
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            if (!Character.isWhitespace(c) && outline(big, c).getBounds2D().isEmpty()) {
                return false;
            }
        }
        return !Arrays.equals(upright('A', font), upright('B', font));
    }

    /**
     * The files of a pool: "A" = SHA-256 of the file name has an even first byte, "B" = odd,
     * "all" = every file. Pools A and B are disjoint and together make all.
     */
    public static List<Path> pool(List<Path> files, String pool) {
        return switch (pool) {
            case "all" -> List.copyOf(files);
            case "A" -> files.stream().filter(f -> (nameHashFirstByte(f) & 1) == 0).toList();
            case "B" -> files.stream().filter(f -> (nameHashFirstByte(f) & 1) == 1).toList();
            default -> throw new IllegalArgumentException("font pool '" + pool + "' is unknown; valid: A, B, all");
        };
    }

    private static int nameHashFirstByte(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            return digest[0] & 0xff;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * {@code c} in a font picked uniformly from {@code fonts}, plain or bold, glyph height 55-85%
     * of the image (narrowed if the glyph would be wider than the image), rotated by up to 12
     * degrees either way and offset by up to 2 px, centred on its visual bounds, antialiased.
     */
    public static float[] render(char c, List<Font> fonts, Random rnd) {
        if (fonts.isEmpty()) {
            throw new IllegalArgumentException("no font can render '" + c
                    + "'; install fonts-* (e.g. fonts-dejavu-core) or point -D" + FONTS_DIR_PROPERTY + " at a font directory");
        }
        Font font = fonts.get(rnd.nextInt(fonts.size()));
        int style = rnd.nextBoolean() ? Font.BOLD : Font.PLAIN;
        double height = Canvas.SIZE * (0.55 + 0.30 * rnd.nextDouble());
        double angle = Math.toRadians(-12 + 24 * rnd.nextDouble());
        double dx = -2 + 4 * rnd.nextDouble();
        double dy = -2 + 4 * rnd.nextDouble();
        return draw(c, font.deriveFont(style, REFERENCE_SIZE), height, angle, dx, dy);
    }

    /** {@code c} plain, 70% high, upright and centred: the reference rendering used to spot symbol fonts. */
    public static float[] upright(char c, Font font) {
        return draw(c, font.deriveFont(Font.PLAIN, REFERENCE_SIZE), Canvas.SIZE * 0.7, 0, 0, 0);
    }

    private static float[] draw(char c, Font big, double height, double angle, double dx, double dy) {
        Shape outline = outline(big, c);
        Rectangle2D b = outline.getBounds2D();
        BufferedImage img = Canvas.image();
        Graphics2D g = Canvas.graphics(img);
        try {
            if (!b.isEmpty()) {
                double scale = height / b.getHeight();
                double maxWidth = Canvas.SIZE * 0.9;
                if (b.getWidth() * scale > maxWidth) {
                    scale = maxWidth / b.getWidth();
                }
                AffineTransform t = new AffineTransform();
                t.translate(Canvas.CENTER + dx, Canvas.CENTER + dy);
                t.rotate(angle);
                t.scale(scale, scale);
                t.translate(-b.getCenterX(), -b.getCenterY());
                g.fill(t.createTransformedShape(outline));
            }
        } finally {
            g.dispose();
        }
        return Canvas.pixels(img);
    }

    private static Shape outline(Font big, char c) {
        GlyphVector gv = big.createGlyphVector(FRC, new char[] {c});
        return gv.getOutline();
    }
}

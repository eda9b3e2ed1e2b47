// Renders the examples/glyphs dataset: 28x28 grayscale PNGs of the letters A-F, white on black
// like Fashion-MNIST, drawn with java.awt (headless) from the fonts under /usr/share/fonts with a
// seeded random font, style, size, rotation, offset and noise. A genuinely different visual domain
// from clothing for the transfer advisor.
//
//   java scripts/MakeGlyphs.java OUTDIR [--per-class 40] [--unlabelled 200] [--seed 7]
//
// Writes OUTDIR/labelled/<letter>/<letter>_NNN.png and OUTDIR/unlabelled/u_NNN.png (random letters A-F).
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

public class MakeGlyphs {
    static final String LETTERS = "ABCDEF";
    static final int SIZE = 28;

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 1) {
            System.err.println("usage: java scripts/MakeGlyphs.java OUTDIR [--per-class 40] [--unlabelled 200] [--seed 7]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int perClass = 40;
        int unlabelled = 200;
        long seed = 7;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--per-class" -> perClass = Integer.parseInt(args[i + 1]);
                case "--unlabelled" -> unlabelled = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        List<Font> fonts = fonts(Path.of("/usr/share/fonts"));
        if (fonts.isEmpty()) {
            System.err.println("no .ttf fonts under /usr/share/fonts; install fonts-dejavu-core");
            System.exit(1);
        }
        Random rnd = new Random(seed);
        int written = 0;
        for (char letter : LETTERS.toCharArray()) {
            Path dir = out.resolve("labelled").resolve(String.valueOf(letter));
            Files.createDirectories(dir);
            for (int i = 0; i < perClass; i++) {
                write(render(letter, fonts, rnd), dir.resolve(String.format("%c_%03d.png", letter, i)));
                written++;
            }
        }
        Path udir = out.resolve("unlabelled");
        Files.createDirectories(udir);
        for (int i = 0; i < unlabelled; i++) {
            char letter = LETTERS.charAt(rnd.nextInt(LETTERS.length()));
            write(render(letter, fonts, rnd), udir.resolve(String.format("u_%03d.png", i)));
            written++;
        }
        System.out.println("wrote " + written + " glyphs (" + LETTERS.length() + " classes x " + perClass
                + " + " + unlabelled + " unlabelled) from " + fonts.size() + " fonts to " + out);
    }

    static List<Font> fonts(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().toLowerCase().endsWith(".ttf"))
                    // math and extra-light faces render letters too thin or oddly: skip them
                    .filter(p -> !p.getFileName().toString().matches(".*(Math|ExtraLight).*"))
                    .sorted().toList();
        }
        List<Font> fonts = new ArrayList<>();
        for (Path p : files) {
            try {
                fonts.add(Font.createFont(Font.TRUETYPE_FONT, p.toFile()));
            } catch (Exception e) {
                System.err.println("skipping font " + p + ": " + e.getMessage());
            }
        }
        return fonts;
    }

    static BufferedImage render(char letter, List<Font> fonts, Random rnd) {
        Font base = fonts.get(rnd.nextInt(fonts.size()));
        float size = 15f + rnd.nextFloat() * 8f;
        Font font = base.deriveFont(size);
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, SIZE, SIZE);
        FontRenderContext frc = g.getFontRenderContext();
        GlyphVector gv = font.createGlyphVector(frc, String.valueOf(letter));
        Rectangle2D box = gv.getVisualBounds();
        double angle = Math.toRadians((rnd.nextDouble() * 2 - 1) * 15);
        double dx = (rnd.nextDouble() * 2 - 1) * 2.5;
        double dy = (rnd.nextDouble() * 2 - 1) * 2.5;
        g.translate(SIZE / 2.0 + dx, SIZE / 2.0 + dy);
        g.rotate(angle);
        g.translate(-box.getCenterX(), -box.getCenterY());
        int level = 170 + rnd.nextInt(86);
        g.setColor(new Color(level, level, level));
        g.fill(gv.getOutline());
        g.dispose();
        // sparse speckle noise: ~4% of pixels perturbed (keeps PNGs small, unlike dense noise)
        var raster = img.getRaster();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                if (rnd.nextDouble() < 0.04) {
                    int v = raster.getSample(x, y, 0) + (int) Math.round(rnd.nextGaussian() * 40);
                    raster.setSample(x, y, 0, Math.max(0, Math.min(255, v)));
                }
            }
        }
        return img;
    }

    static void write(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}

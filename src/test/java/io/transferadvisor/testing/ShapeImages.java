package io.transferadvisor.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** A folder dataset of two classes, disc and square: one coloured shape of random size and place on a coloured ground, as PNGs. */
public final class ShapeImages {
    private ShapeImages() {}

    /**
     * Writes data/disc and data/square under dir, perClass images each, side x side, RGB or grey; shapes are
     * minSize + a random amount below sizeSpread pixels wide. Returns the data folder.
     */
    public static Path write(Path dir, int side, boolean rgb, int perClass, long seed, int minSize, int sizeSpread) throws IOException {
        Random r = new Random(seed);
        for (String c : new String[] {"disc", "square"}) {
            Path d = Files.createDirectories(dir.resolve("data").resolve(c));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(side, side, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                g.fillRect(0, 0, side, side);
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                int s = minSize + r.nextInt(sizeSpread);
                int x = r.nextInt(side - s);
                int y = r.nextInt(side - s);
                if (c.equals("disc")) {
                    g.fillOval(x, y, s, s);
                } else {
                    g.fillRect(x, y, s, s);
                }
                g.dispose();
                ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
            }
        }
        return dir.resolve("data");
    }
}

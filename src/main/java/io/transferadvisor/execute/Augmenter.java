package io.transferadvisor.execute;

import io.transferadvisor.plan.Augmentation;
import java.util.Random;

/**
 * Seeded augmentation on CHW float batches: horizontal flip (p = 0.5), shift by up to N pixels
 * (zero fill), random crop of up to the given fraction resized back (nearest neighbour).
 */
public final class Augmenter {
    private final Augmentation aug;

    public Augmenter(Augmentation aug) {
        this.aug = aug;
    }

    public boolean enabled() {
        return aug.enabled();
    }

    /** Augments {@code count} images of shape [c, h, w] in place; the same seed gives the same result. */
    public void apply(float[] batch, int count, int c, int h, int w, long seed) {
        Random rnd = new Random(seed);
        int len = c * h * w;
        float[] tmp = new float[len];
        for (int i = 0; i < count; i++) {
            int off = i * len;
            boolean flip = aug.horizontalFlip() && rnd.nextBoolean();
            int dy = aug.maxShiftPixels() > 0 ? rnd.nextInt(2 * aug.maxShiftPixels() + 1) - aug.maxShiftPixels() : 0;
            int dx = aug.maxShiftPixels() > 0 ? rnd.nextInt(2 * aug.maxShiftPixels() + 1) - aug.maxShiftPixels() : 0;
            double keep = 1.0 - (aug.cropFraction() > 0 ? rnd.nextDouble() * aug.cropFraction() : 0.0);
            int ch = Math.max(1, (int) Math.round(h * keep));
            int cw = Math.max(1, (int) Math.round(w * keep));
            int y0 = h - ch > 0 ? rnd.nextInt(h - ch + 1) : 0;
            int x0 = w - cw > 0 ? rnd.nextInt(w - cw + 1) : 0;
            if (!flip && dx == 0 && dy == 0 && ch == h && cw == w) {
                continue;
            }
            for (int k = 0; k < c; k++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        // output pixel (y, x) <- shifted, cropped-and-resized, flipped source pixel
                        int sy = y - dy;
                        int sx = x - dx;
                        float v = 0f;
                        if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                            int cy = y0 + (int) ((long) sy * ch / h);
                            int cx = x0 + (int) ((long) sx * cw / w);
                            if (flip) {
                                cx = w - 1 - cx;
                            }
                            v = batch[off + (k * h + cy) * w + cx];
                        }
                        tmp[(k * h + y) * w + x] = v;
                    }
                }
            }
            System.arraycopy(tmp, 0, batch, off, len);
        }
    }
}

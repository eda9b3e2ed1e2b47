package io.transferadvisor.bench.suite;

import io.transferadvisor.synth.Canvas;

import java.util.Random;

/**
 * The pixel operations behind {@link Shifts}, on 28x28 row-major images in [0,1]. Every method
 * returns a new array and leaves its input alone.
 */
final class PixelOps {
    private static final int N = Canvas.SIZE;
    /** Rotation/zoom centre: the middle of the pixel grid in pixel-index coordinates. */
    private static final double C = (N - 1) / 2.0;

    private PixelOps() {}

    static float[] invert(float[] img) {
        float[] out = new float[img.length];
        for (int i = 0; i < img.length; i++) {
            out[i] = 1f - img[i];
        }
        return out;
    }

    /** Rotates by {@code degrees} (counter-clockwise on screen) about the centre; bilinear, 0 outside. */
    static float[] rotate(float[] img, double degrees) {
        double a = Math.toRadians(degrees);
        double cos = Math.cos(a);
        double sin = Math.sin(a);
        float[] out = new float[img.length];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                double u = x - C;
                double v = y - C;
                // inverse mapping: the source of (x, y) is (x, y) turned back by the angle
                double sx = C + cos * u - sin * v;
                double sy = C + sin * u + cos * v;
                out[y * N + x] = bilinear(img, sx, sy);
            }
        }
        return out;
    }

    /** Zooms about the centre by {@code factor} (below 1 shrinks); bilinear, 0 outside. */
    static float[] scale(float[] img, double factor) {
        float[] out = new float[img.length];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                out[y * N + x] = bilinear(img, C + (x - C) / factor, C + (y - C) / factor);
            }
        }
        return out;
    }

    static float bilinear(float[] img, double x, double y) {
        // snap coordinates within rounding noise of a pixel so exact quarter turns stay exact
        double rx = Math.rint(x);
        double ry = Math.rint(y);
        if (Math.abs(x - rx) < 1e-9) {
            x = rx;
        }
        if (Math.abs(y - ry) < 1e-9) {
            y = ry;
        }
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double v = (1 - fx) * (1 - fy) * at(img, x0, y0) + fx * (1 - fy) * at(img, x0 + 1, y0)
                + (1 - fx) * fy * at(img, x0, y0 + 1) + fx * fy * at(img, x0 + 1, y0 + 1);
        return (float) v;
    }

    private static float at(float[] img, int x, int y) {
        return x < 0 || y < 0 || x >= N || y >= N ? 0f : img[y * N + x];
    }

    private static float clamped(float[] img, int x, int y) {
        return img[Math.min(N - 1, Math.max(0, y)) * N + Math.min(N - 1, Math.max(0, x))];
    }

    /** Separable Gaussian blur, kernel radius ceil(3 sigma), edges clamped. Sigma 0 copies. */
    static float[] blur(float[] img, double sigma) {
        if (sigma == 0) {
            return img.clone();
        }
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] tmp = new float[img.length];
        float[] out = new float[img.length];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                double s = 0;
                for (int i = -r; i <= r; i++) {
                    s += k[i + r] * clamped(img, x + i, y);
                }
                tmp[y * N + x] = (float) s;
            }
        }
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                double s = 0;
                for (int i = -r; i <= r; i++) {
                    s += k[i + r] * clamped(tmp, x, y + i);
                }
                out[y * N + x] = (float) s;
            }
        }
        return out;
    }

    static float[] noise(float[] img, double sd, Random rnd) {
        float[] out = new float[img.length];
        for (int i = 0; i < img.length; i++) {
            out[i] = clip(img[i] + sd * rnd.nextGaussian());
        }
        return out;
    }

    /** Pulls every pixel toward mid-gray: x*F + (1-F)*0.5, clipped. */
    static float[] contrast(float[] img, double f) {
        float[] out = new float[img.length];
        for (int i = 0; i < img.length; i++) {
            out[i] = clip(img[i] * f + (1 - f) * 0.5);
        }
        return out;
    }

    /** Shifts by a random whole number of pixels in [-px, px] on each axis; 0 fills. */
    static float[] translate(float[] img, int px, Random rnd) {
        int dx = rnd.nextInt(2 * px + 1) - px;
        int dy = rnd.nextInt(2 * px + 1) - px;
        float[] out = new float[img.length];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                out[y * N + x] = at(img, x - dx, y - dy);
            }
        }
        return out;
    }

    /** Zeroes a random square covering {@code fraction} of the image area (side rounded). */
    static float[] occlude(float[] img, double fraction, Random rnd) {
        int side = (int) Math.round(Math.sqrt(fraction) * N);
        int x0 = rnd.nextInt(N - side + 1);
        int y0 = rnd.nextInt(N - side + 1);
        float[] out = img.clone();
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                out[y * N + x] = 0f;
            }
        }
        return out;
    }

    /** Upside down. */
    static float[] flip(float[] img) {
        float[] out = new float[img.length];
        for (int y = 0; y < N; y++) {
            System.arraycopy(img, (N - 1 - y) * N, out, y * N, N);
        }
        return out;
    }

    /** Left-right. */
    static float[] mirror(float[] img) {
        float[] out = new float[img.length];
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                out[y * N + x] = img[y * N + (N - 1 - x)];
            }
        }
        return out;
    }

    /** Sobel gradient magnitude, edges clamped, divided by its maximum (all 0 for a flat image). */
    static float[] edges(float[] img) {
        float[] out = new float[img.length];
        float max = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                float gx = clamped(img, x + 1, y - 1) + 2 * clamped(img, x + 1, y) + clamped(img, x + 1, y + 1)
                        - clamped(img, x - 1, y - 1) - 2 * clamped(img, x - 1, y) - clamped(img, x - 1, y + 1);
                float gy = clamped(img, x - 1, y + 1) + 2 * clamped(img, x, y + 1) + clamped(img, x + 1, y + 1)
                        - clamped(img, x - 1, y - 1) - 2 * clamped(img, x, y - 1) - clamped(img, x + 1, y - 1);
                float m = (float) Math.sqrt(gx * gx + gy * gy);
                out[y * N + x] = m;
                max = Math.max(max, m);
            }
        }
        if (max > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= max;
            }
        }
        return out;
    }

    static float clip(double v) {
        return (float) Math.min(1, Math.max(0, v));
    }
}

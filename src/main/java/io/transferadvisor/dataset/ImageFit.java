package io.transferadvisor.dataset;

/**
 * Fits decoded pixels (CHW floats in [0,1]) to an input geometry: channel conversion first
 * (gray -> RGB by replication, RGB -> gray by Rec. 601 luma), then resizing by bilinear sampling
 * with half-pixel centres (same size = exact copy). Pure functions, no AWT, deterministic.
 */
public final class ImageFit {
    private ImageFit() {}

    /** Rec. 601 luma weights, as in ITU-R BT.601 and most image libraries' "L" conversion. */
    static final float LUMA_R = 0.299f;
    static final float LUMA_G = 0.587f;
    static final float LUMA_B = 0.114f;

    public static float[] fit(float[] src, int h, int w, int c, InputGeometry g, DatasetSpec.Fit fit) {
        if (src.length != h * w * c) {
            throw new IllegalArgumentException("pixels length " + src.length + " != " + h + "x" + w + "x" + c);
        }
        float[] colored = color(src, h, w, c, g.channels(), fit.color());
        return resize(colored, h, w, g.channels(), g.height(), g.width(), fit.resize());
    }

    static float[] color(float[] src, int h, int w, int c, int target, DatasetSpec.ColorMode mode) {
        if (mode == DatasetSpec.ColorMode.RGB && target == 1) {
            throw new DatasetException("input.color 'rgb' needs a 3-channel model input, but the input has 1 channel; "
                    + "use color: auto or grayscale");
        }
        int plane = h * w;
        float[] gray = null;
        if (c == 3 && (target == 1 || mode == DatasetSpec.ColorMode.GRAYSCALE)) {
            gray = new float[plane];
            for (int i = 0; i < plane; i++) {
                gray[i] = LUMA_R * src[i] + LUMA_G * src[plane + i] + LUMA_B * src[2 * plane + i];
            }
        } else if (c == 1) {
            gray = src;
        }
        if (target == 1) {
            return gray == src ? src.clone() : gray;
        }
        if (gray == null) {
            return src.clone();
        }
        float[] out = new float[3 * plane];
        for (int k = 0; k < 3; k++) {
            System.arraycopy(gray, 0, out, k * plane, plane);
        }
        return out;
    }

    static float[] resize(float[] src, int h, int w, int c, int th, int tw, DatasetSpec.Resize mode) {
        if (h == th && w == tw) {
            return src;
        }
        switch (mode) {
            case STRETCH:
                return bilinear(src, h, w, c, th, tw);
            case PAD: {
                double s = Math.min((double) th / h, (double) tw / w);
                int nh = Math.max(1, Math.min(th, (int) Math.round(h * s)));
                int nw = Math.max(1, Math.min(tw, (int) Math.round(w * s)));
                float[] scaled = bilinear(src, h, w, c, nh, nw);
                float[] out = new float[c * th * tw];
                int top = (th - nh) / 2;
                int left = (tw - nw) / 2;
                for (int k = 0; k < c; k++) {
                    for (int y = 0; y < nh; y++) {
                        System.arraycopy(scaled, k * nh * nw + y * nw, out, k * th * tw + (top + y) * tw + left, nw);
                    }
                }
                return out;
            }
            case CENTER_CROP: {
                double s = Math.max((double) th / h, (double) tw / w);
                int nh = Math.max(th, (int) Math.round(h * s));
                int nw = Math.max(tw, (int) Math.round(w * s));
                float[] scaled = bilinear(src, h, w, c, nh, nw);
                float[] out = new float[c * th * tw];
                int top = (nh - th) / 2;
                int left = (nw - tw) / 2;
                for (int k = 0; k < c; k++) {
                    for (int y = 0; y < th; y++) {
                        System.arraycopy(scaled, k * nh * nw + (top + y) * nw + left, out, k * th * tw + y * tw, tw);
                    }
                }
                return out;
            }
            default:
                throw new IllegalArgumentException("resize " + mode);
        }
    }

    /** Bilinear resampling, half-pixel centres, edges clamped (as OpenCV INTER_LINEAR / align_corners=false). */
    static float[] bilinear(float[] src, int h, int w, int c, int th, int tw) {
        if (h == th && w == tw) {
            return src.clone();
        }
        float[] out = new float[c * th * tw];
        double sy = (double) h / th;
        double sx = (double) w / tw;
        for (int y = 0; y < th; y++) {
            double fy = Math.max(0, Math.min(h - 1, (y + 0.5) * sy - 0.5));
            int y0 = (int) Math.floor(fy);
            int y1 = Math.min(h - 1, y0 + 1);
            float dy = (float) (fy - y0);
            for (int x = 0; x < tw; x++) {
                double fx = Math.max(0, Math.min(w - 1, (x + 0.5) * sx - 0.5));
                int x0 = (int) Math.floor(fx);
                int x1 = Math.min(w - 1, x0 + 1);
                float dx = (float) (fx - x0);
                for (int k = 0; k < c; k++) {
                    int base = k * h * w;
                    float a = src[base + y0 * w + x0];
                    float b = src[base + y0 * w + x1];
                    float cc = src[base + y1 * w + x0];
                    float d = src[base + y1 * w + x1];
                    float top = a + (b - a) * dx;
                    float bottom = cc + (d - cc) * dx;
                    out[k * th * tw + y * tw + x] = top + (bottom - top) * dy;
                }
            }
        }
        return out;
    }
}

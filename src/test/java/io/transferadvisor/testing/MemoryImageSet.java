package io.transferadvisor.testing;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import java.util.List;

/** An in-memory ImageSet for tests (probe, executor, CLI): fixed-geometry CHW float images with labels. */
public final class MemoryImageSet implements ImageSet {
    private final List<String> classes;
    private final float[][] images;
    private final int[] labels;
    private final InputGeometry geometry;

    public MemoryImageSet(List<String> classes, float[][] images, int[] labels, InputGeometry geometry) {
        this.classes = List.copyOf(classes);
        this.images = images;
        this.labels = labels;
        this.geometry = geometry;
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public int size() {
        return images.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public String describe(int index) {
        return "memory#" + index;
    }

    @Override
    public float[] pixels(int index, InputGeometry g) {
        if (!g.equals(geometry)) {
            throw new IllegalArgumentException("memory images are " + geometry + ", asked " + g);
        }
        return images[index].clone();
    }

    @Override
    public ImageSet subset(int[] indices) {
        float[][] im = new float[indices.length][];
        int[] lb = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            im[i] = images[indices[i]];
            lb[i] = labels[indices[i]];
        }
        return new MemoryImageSet(classes, im, lb, geometry);
    }

    /** Random images with a class-dependent bright blob, so a CNN can tell classes apart. */
    public static MemoryImageSet blobs(int perClass, int classes, InputGeometry g, long seed) {
        java.util.Random r = new java.util.Random(seed);
        int n = perClass * classes;
        float[][] im = new float[n][g.pixels()];
        int[] lb = new int[n];
        List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            lb[i] = c;
            int cy = (c * 7 + 3) % g.height();
            int cx = (c * 5 + 2) % g.width();
            for (int ch = 0; ch < g.channels(); ch++) {
                for (int y = 0; y < g.height(); y++) {
                    for (int x = 0; x < g.width(); x++) {
                        double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
                        double v = Math.exp(-d2 / 6.0) + 0.15 * r.nextGaussian();
                        im[i][(ch * g.height() + y) * g.width() + x] = (float) Math.min(1, Math.max(0, v));
                    }
                }
            }
        }
        return new MemoryImageSet(names, im, lb, g);
    }
}

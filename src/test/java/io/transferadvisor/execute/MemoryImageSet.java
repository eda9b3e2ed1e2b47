package io.transferadvisor.execute;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import java.util.List;

/** An in-memory ImageSet for tests: pixels already at one geometry. */
public final class MemoryImageSet implements ImageSet {
    private final List<String> classes;
    private final float[][] pixels;
    private final int[] labels;
    private final InputGeometry geometry;

    public MemoryImageSet(List<String> classes, float[][] pixels, int[] labels, InputGeometry geometry) {
        this.classes = List.copyOf(classes);
        this.pixels = pixels;
        this.labels = labels;
        this.geometry = geometry;
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    @Override
    public int size() {
        return labels.length;
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
            throw new IllegalArgumentException("memory images are " + geometry + ", asked for " + g);
        }
        return pixels[index].clone();
    }

    @Override
    public ImageSet subset(int[] indices) {
        float[][] p = new float[indices.length][];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            p[i] = pixels[indices[i]];
            l[i] = labels[indices[i]];
        }
        return new MemoryImageSet(classes, p, l, geometry);
    }
}

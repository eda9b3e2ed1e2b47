package io.transferadvisor.bench.suite;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageFit;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import java.util.List;

/** Generated 28x28 grayscale images held in memory (the suite's tasks), values in [0, 1]. */
public final class ArrayImageSet implements ImageSet {
    private static final long serialVersionUID = 1L;
    public static final int SIDE = 28;
    private static final DatasetSpec.Fit FIT = new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.AUTO);

    private final String name;
    private final List<String> classNames;
    private final List<float[]> pixels;
    private final int[] labels;

    public ArrayImageSet(String name, List<String> classNames, List<float[]> pixels, int[] labels) {
        if (pixels.size() != labels.length) {
            throw new IllegalArgumentException(pixels.size() + " images but " + labels.length + " labels");
        }
        for (float[] p : pixels) {
            if (p.length != SIDE * SIDE) {
                throw new IllegalArgumentException("image of " + p.length + " values, expected " + SIDE * SIDE);
            }
        }
        this.name = name;
        this.classNames = List.copyOf(classNames);
        this.pixels = List.copyOf(pixels);
        this.labels = labels.clone();
    }

    @Override
    public List<String> classNames() {
        return classNames;
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
        return name + "#" + index;
    }

    @Override
    public float[] pixels(int index, InputGeometry geometry) {
        return ImageFit.fit(pixels.get(index), SIDE, SIDE, 1, geometry, FIT);
    }

    /** The stored pixels of image i (not a copy: do not modify). */
    float[] raw(int index) {
        return pixels.get(index);
    }

    @Override
    public ImageSet subset(int[] indices) {
        List<float[]> p = new java.util.ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            p.add(pixels.get(indices[i]));
            l[i] = labels[indices[i]];
        }
        return new ArrayImageSet(name, classNames, p, l);
    }
}

package io.transferadvisor.dataset;

import java.util.List;

/**
 * An ordered collection of images whose pixels load on demand (a dataset larger than memory is
 * never loaded at once). Labels index {@link #classNames()}; unlabelled sets return -1.
 *
 * <p>Serializable: a cluster ({@code --spark}) ships the set to its executors, which decode the
 * images themselves (a folder set travels as its paths, not its pixels).
 */
public interface ImageSet extends java.io.Serializable {
    List<String> classNames();

    int size();

    /** Class index of image i, or -1 when unlabelled. */
    int label(int index);

    /** Where image i comes from, for messages: a path, or "file.idx#1234". */
    String describe(int index);

    /**
     * Pixels of image i fitted to the geometry (resize, channel conversion as the spec says),
     * CHW order, values in [0, 1].
     */
    float[] pixels(int index, InputGeometry geometry);

    /** {@link #pixels}, checked to hold exactly the geometry's values (what every reader that stacks images relies on). */
    default float[] fittedPixels(int index, InputGeometry geometry) {
        float[] px = pixels(index, geometry);
        if (px.length != geometry.pixels()) {
            throw new IllegalStateException("image " + describe(index) + " gave " + px.length + " values for geometry " + geometry
                    + " (" + geometry.pixels() + " expected)");
        }
        return px;
    }

    /** Unlabelled image files, read and fitted on demand (what `predict` classifies). */
    static ImageSet ofFiles(List<java.nio.file.Path> files, DatasetSpec.Fit fit) {
        int[] labels = new int[files.size()];
        java.util.Arrays.fill(labels, -1);
        return new FolderImageSet(files, labels, List.of(), fit, false);
    }

    /** A view of the given indices, in that order. */
    ImageSet subset(int[] indices);

    /** This set as a network wants it: pixels through the model's preprocessing (this very set when it is NONE). */
    default ImageSet preprocessed(Preprocessing p) {
        return p == null || p.isIdentity() ? this : new PreprocessedImageSet(this, p);
    }

    /** Per-class counts, indexed like classNames(). */
    default int[] classCounts() {
        int[] counts = new int[classNames().size()];
        for (int i = 0; i < size(); i++) {
            int l = label(i);
            if (l >= 0) {
                counts[l]++;
            }
        }
        return counts;
    }
}

package io.transferadvisor.dataset;

import java.nio.file.Path;
import java.util.List;

/**
 * Images kept in memory as the selected IDX images' bytes only (40 of 60000 Fashion-MNIST images
 * cost 31 kB, not 47 MB). Labels index classNames; -1 for unlabelled.
 */
final class IdxImageSet implements ImageSet {
    private static final long serialVersionUID = 1L;
    private final String file; // a Path is not Serializable
    private final int rows;
    private final int cols;
    private final byte[] pixels;      // selected images, in storage order
    private final int[] fileIndex;    // storage slot -> index in the IDX file (for describe)
    private final int[] labels;       // storage slot -> class index
    private final List<String> classNames;
    private final DatasetSpec.Fit fit;
    private final int[] order;        // view index -> storage slot

    IdxImageSet(Path file, int rows, int cols, byte[] pixels, int[] fileIndex, int[] labels,
                List<String> classNames, DatasetSpec.Fit fit) {
        this(file, rows, cols, pixels, fileIndex, labels, classNames, fit, identity(labels.length));
    }

    private IdxImageSet(Path file, int rows, int cols, byte[] pixels, int[] fileIndex, int[] labels,
                        List<String> classNames, DatasetSpec.Fit fit, int[] order) {
        this.file = file.toString();
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.fileIndex = fileIndex;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.fit = fit;
        this.order = order;
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int size() {
        return order.length;
    }

    @Override
    public int label(int index) {
        return labels[order[index]];
    }

    @Override
    public String describe(int index) {
        return file + "#" + fileIndex[order[index]];
    }

    @Override
    public float[] pixels(int index, InputGeometry geometry) {
        int n = rows * cols;
        int off = order[index] * n;
        float[] src = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = (pixels[off + i] & 0xff) / 255f;
        }
        return ImageFit.fit(src, rows, cols, 1, geometry, fit);
    }

    @Override
    public ImageSet subset(int[] indices) {
        int[] o = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            o[i] = order[indices[i]];
        }
        return new IdxImageSet(Path.of(file), rows, cols, pixels, fileIndex, labels, classNames, fit, o);
    }
}

package io.transferadvisor.dataset;

import java.util.List;

/**
 * Two labelled image sets with the same classes seen as one (the first's images, then the
 * second's): the measured plan trial pools the training and validation images before it
 * re-splits them into folds. Pixels still load on demand from the underlying sets.
 */
public final class JoinedImageSet implements ImageSet {
    private static final long serialVersionUID = 1L;
    private final ImageSet first;
    private final ImageSet second;

    public JoinedImageSet(ImageSet first, ImageSet second) {
        if (!first.classNames().equals(second.classNames())) {
            throw new IllegalArgumentException("cannot join image sets with different classes: " + first.classNames() + " vs " + second.classNames());
        }
        this.first = first;
        this.second = second;
    }

    @Override
    public List<String> classNames() {
        return first.classNames();
    }

    @Override
    public int size() {
        return first.size() + second.size();
    }

    @Override
    public int label(int index) {
        return index < first.size() ? first.label(index) : second.label(index - first.size());
    }

    @Override
    public String describe(int index) {
        return index < first.size() ? first.describe(index) : second.describe(index - first.size());
    }

    @Override
    public float[] pixels(int index, InputGeometry geometry) {
        return index < first.size() ? first.pixels(index, geometry) : second.pixels(index - first.size(), geometry);
    }

    @Override
    public ImageSet subset(int[] indices) {
        int n1 = 0;
        for (int i : indices) {
            if (i < 0 || i >= size()) {
                throw new IndexOutOfBoundsException("image " + i + " of " + size());
            }
            if (i < first.size()) {
                n1++;
            }
        }
        // Order is kept: a subset whose indices all fall in one part is that part's own view.
        if (n1 == indices.length) {
            return first.subset(indices.clone());
        }
        if (n1 == 0) {
            int[] s = new int[indices.length];
            for (int k = 0; k < s.length; k++) {
                s[k] = indices[k] - first.size();
            }
            return second.subset(s);
        }
        return new Picked(this, indices.clone());
    }

    /** An ordered pick of a joined set's images. */
    private record Picked(JoinedImageSet of, int[] idx) implements ImageSet {
        public List<String> classNames() {
            return of.classNames();
        }

        public int size() {
            return idx.length;
        }

        public int label(int index) {
            return of.label(idx[index]);
        }

        public String describe(int index) {
            return of.describe(idx[index]);
        }

        public float[] pixels(int index, InputGeometry geometry) {
            return of.pixels(idx[index], geometry);
        }

        public ImageSet subset(int[] indices) {
            int[] s = new int[indices.length];
            for (int k = 0; k < s.length; k++) {
                s[k] = idx[indices[k]];
            }
            return of.subset(s);
        }
    }
}

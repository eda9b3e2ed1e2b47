package io.transferadvisor.dataset;

import java.util.List;

/** A set whose pixels go through a model's {@link Preprocessing}; everything else is the inner set's. */
record PreprocessedImageSet(ImageSet inner, Preprocessing preprocessing) implements ImageSet {
    @Override
    public List<String> classNames() {
        return inner.classNames();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public int label(int index) {
        return inner.label(index);
    }

    @Override
    public String describe(int index) {
        return inner.describe(index);
    }

    @Override
    public float[] pixels(int index, InputGeometry geometry) {
        return preprocessing.apply(inner.pixels(index, geometry), geometry.channels());
    }

    @Override
    public ImageSet subset(int[] indices) {
        return new PreprocessedImageSet(inner.subset(indices), preprocessing);
    }

    @Override
    public ImageSet preprocessed(Preprocessing p) {
        throw new IllegalStateException("images are already preprocessed (" + preprocessing.name() + "); preprocess the raw set once");
    }
}

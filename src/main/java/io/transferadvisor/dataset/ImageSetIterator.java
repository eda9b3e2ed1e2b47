package io.transferadvisor.dataset;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J adaptor: batches of {@code [N, C, H, W]} features (values in [0,1]) and one-hot
 * {@code [N, classes]} labels from an {@link ImageSet}, decoding one image at a time.
 * With shuffling, epoch e visits the images in the order of a permutation seeded by (seed, e);
 * {@link #reset()} starts the next epoch. An unlabelled set yields its features as labels
 * (the reconstruction target of an autoencoder).
 */
public final class ImageSetIterator implements DataSetIterator {
    private static final long serialVersionUID = 1L;

    private final transient ImageSet set;
    private final InputGeometry geometry;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean labelled;
    private transient DataSetPreProcessor preProcessor;
    private int[] order;
    private int cursor;
    private int epoch;

    public ImageSetIterator(ImageSet set, InputGeometry geometry, int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize " + batchSize + " out of range; allowed >= 1");
        }
        if (set.size() == 0) {
            throw new IllegalArgumentException("image set is empty; nothing to iterate");
        }
        this.set = set;
        this.geometry = geometry;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.labelled = !set.classNames().isEmpty() && set.label(0) >= 0;
        this.epoch = 0;
        start();
    }

    /** In-order, no shuffling: for evaluation and feature extraction. */
    public static ImageSetIterator inOrder(ImageSet set, InputGeometry geometry, int batchSize) {
        return new ImageSetIterator(set, geometry, batchSize, false, 0);
    }

    private void start() {
        order = IdxImageSet.identity(set.size());
        if (shuffle) {
            io.transferadvisor.util.Shuffle.shuffle(order, new Random(seed * 31 + epoch));
        }
        cursor = 0;
    }

    /** The image indices (into the set) of the current epoch, in visiting order. */
    public int[] epochOrder() {
        return order.clone();
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch finished after " + set.size() + " images; call reset()");
        }
        int n = Math.min(num, order.length - cursor);
        int px = geometry.pixels();
        float[] features = new float[n * px];
        int classes = set.classNames().size();
        float[] labels = labelled ? new float[n * classes] : null;
        for (int i = 0; i < n; i++) {
            int idx = order[cursor + i];
            float[] p = set.pixels(idx, geometry);
            System.arraycopy(p, 0, features, i * px, px);
            if (labelled) {
                labels[i * classes + set.label(idx)] = 1f;
            }
        }
        cursor += n;
        INDArray f = Nd4j.create(features, new long[] {n, geometry.channels(), geometry.height(), geometry.width()}, 'c');
        INDArray l = labelled ? Nd4j.create(labels, new long[] {n, classes}, 'c') : f.dup();
        DataSet ds = new DataSet(f, l);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public int inputColumns() {
        return geometry.pixels();
    }

    @Override
    public int totalOutcomes() {
        return labelled ? set.classNames().size() : geometry.pixels();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    /** Starts the next epoch (a new permutation when shuffling). */
    @Override
    public void reset() {
        epoch++;
        start();
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return set.classNames();
    }
}

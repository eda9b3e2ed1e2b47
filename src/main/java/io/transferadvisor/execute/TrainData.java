package io.transferadvisor.execute;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Examples a network trains or is evaluated on (raw CHW images or cached features), with labels
 * (-1 = unlabelled), read in batches. Batches are copied out as plain floats, so augmentation
 * works on them. Three kinds: {@link InMemory} (one flat float array), {@link StreamedImages}
 * (images decoded from the dataset batch by batch, the next batch prefetched), and cached features
 * read from the feature cache per batch ({@link #features}); the split's size chooses, so that memory
 * stays bounded whatever the image count.
 * Both give the same floats for the same images, so the choice never changes a result.
 */
public interface TrainData {
    /**
     * Splits larger than this many bytes of floats stream from the dataset instead of being held
     * in memory: a quarter of the heap, at most 1 GiB (-Dadvisor.inMemoryBytes=N overrides it).
     */
    static long inMemoryBudget() {
        String p = System.getProperty("advisor.inMemoryBytes");
        if (p != null && !p.isBlank()) {
            return Long.parseLong(p.trim());
        }
        return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
    }

    int size();

    /** Class index per example (-1 when unlabelled); do not modify. */
    int[] labels();

    /** Shape of one example without the batch dimension ([c, h, w] or [d]). */
    long[] rowShape();

    default int rowLength() {
        return (int) InMemory.rowLength(rowShape());
    }

    /** Rows at idx[from..to) copied into a new float array. */
    float[] rows(int[] idx, int from, int to);

    /** The rows [from, to) as an array [to - from, ...rowShape], in order. */
    default INDArray slice(int from, int to) {
        return batch(rows(null, from, to), to - from);
    }

    default INDArray batch(float[] rows, int count) {
        long[] shape = new long[rowShape().length + 1];
        shape[0] = count;
        System.arraycopy(rowShape(), 0, shape, 1, rowShape().length);
        return Nd4j.create(rows, shape, 'c');
    }

    /** All rows as one array [n, ...]. */
    default INDArray all() {
        return slice(0, size());
    }

    /** Every image of the set fitted to the geometry (CHW, [0, 1]): in memory when it fits {@link #inMemoryBudget()}, else streamed. */
    static TrainData load(ImageSet set, InputGeometry geometry) {
        long bytes = 4L * set.size() * geometry.pixels();
        return bytes <= inMemoryBudget() ? InMemory.load(set, geometry) : new StreamedImages(set, geometry);
    }

    /** One request's cached features with labels: in memory if compute read them there, else read from the cache per batch. */
    static TrainData features(io.transferadvisor.features.FeatureCache.Result r, io.transferadvisor.features.FeatureCache.Request q,
                              int[] labels) {
        if (r.inMemory(q.layer(), q.pooling())) {
            return of(r.get(q.layer(), q.pooling()), labels);
        }
        io.transferadvisor.features.FeatureCache.Rows rows = r.rows(q.layer(), q.pooling());
        if (rows.size() != labels.length) {
            throw new IllegalArgumentException(rows.size() + " feature rows for " + labels.length + " labels");
        }
        int[] copy = labels.clone();
        return new TrainData() {
            @Override
            public int size() {
                return copy.length;
            }

            @Override
            public int[] labels() {
                return copy;
            }

            @Override
            public long[] rowShape() {
                return rows.rowShape();
            }

            @Override
            public float[] rows(int[] idx, int from, int to) {
                return rows.read(idx, from, to);
            }
        };
    }

    /** Wraps a FLOAT array [n, ...] (e.g. cached features) with labels. */
    static TrainData of(INDArray rows, int[] labels) {
        long[] shape = rows.shape();
        long[] row = Arrays.copyOfRange(shape, 1, shape.length);
        float[] data = rows.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        return new InMemory(data, row, labels.clone());
    }

    /**
     * Examples held as one flat float array.
     *
     * @param data     n * rowLength floats
     * @param rowShape shape of one example without the batch dimension
     * @param labels   class index per example (-1 when unlabelled)
     */
    record InMemory(float[] data, long[] rowShape, int[] labels) implements TrainData {
        public InMemory {
            long len = rowLength(rowShape);
            if (len <= 0 || data.length % len != 0 || data.length / len != labels.length) {
                throw new IllegalArgumentException("data of " + data.length + " floats does not hold " + labels.length
                        + " rows of shape " + Arrays.toString(rowShape));
            }
            rowShape = rowShape.clone();
        }

        static long rowLength(long[] shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Loads every image of the set into memory, fitted to the geometry (CHW, [0, 1]). */
        public static InMemory load(ImageSet set, InputGeometry geometry) {
            int n = set.size();
            int len = geometry.pixels();
            float[] data = new float[Math.multiplyExact(n, len)];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                float[] px = set.fittedPixels(i, geometry);
                System.arraycopy(px, 0, data, i * len, len);
                labels[i] = set.label(i);
            }
            return new InMemory(data, geometry.chw(), labels);
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public long[] rowShape() {
            return rowShape.clone();
        }

        @Override
        public float[] rows(int[] idx, int from, int to) {
            int len = rowLength();
            if (idx == null) {
                return Arrays.copyOfRange(data, from * len, to * len);
            }
            float[] out = new float[(to - from) * len];
            for (int i = from; i < to; i++) {
                System.arraycopy(data, idx[i] * len, out, (i - from) * len, len);
            }
            return out;
        }
    }
}

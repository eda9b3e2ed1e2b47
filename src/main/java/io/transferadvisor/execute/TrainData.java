package io.transferadvisor.execute;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Examples held in memory as one flat float array (raw CHW images or cached features), with
 * labels (-1 = unlabelled). Batches are copied out of it, so augmentation works on plain floats.
 *
 * @param data     n * rowLength floats
 * @param rowShape shape of one example without the batch dimension ([c, h, w] or [d])
 * @param labels   class index per example (-1 when unlabelled)
 */
public record TrainData(float[] data, long[] rowShape, int[] labels) {
    public TrainData {
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

    public int size() {
        return labels.length;
    }

    public int rowLength() {
        return (int) rowLength(rowShape);
    }

    /** Loads every image of the set, fitted to the geometry (CHW, [0, 1]). */
    public static TrainData load(ImageSet set, InputGeometry geometry) {
        int n = set.size();
        int len = geometry.pixels();
        float[] data = new float[Math.multiplyExact(n, len)];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float[] px = set.pixels(i, geometry);
            if (px.length != len) {
                throw new IllegalStateException("image " + set.describe(i) + " gave " + px.length + " values; expected " + len);
            }
            System.arraycopy(px, 0, data, i * len, len);
            labels[i] = set.label(i);
        }
        return new TrainData(data, new long[] {geometry.channels(), geometry.height(), geometry.width()}, labels);
    }

    /** Wraps a FLOAT array [n, ...] (e.g. cached features) with labels. */
    public static TrainData of(INDArray rows, int[] labels) {
        long[] shape = rows.shape();
        long[] row = Arrays.copyOfRange(shape, 1, shape.length);
        float[] data = rows.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        return new TrainData(data, row, labels.clone());
    }

    /** Rows at the given indices copied into a new float array. */
    public float[] rows(int[] idx, int from, int to) {
        int len = rowLength();
        float[] out = new float[(to - from) * len];
        for (int i = from; i < to; i++) {
            System.arraycopy(data, idx[i] * len, out, (i - from) * len, len);
        }
        return out;
    }

    public INDArray batch(float[] rows, int count) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = count;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return Nd4j.create(rows, shape, 'c');
    }

    /** All rows as one array [n, ...]. */
    public INDArray all() {
        int[] idx = new int[size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return batch(rows(idx, 0, idx.length), idx.length);
    }

    /** The rows [from, to) as an array, in order. */
    public INDArray slice(int from, int to) {
        int len = rowLength();
        float[] out = Arrays.copyOfRange(data, from * len, to * len);
        return batch(out, to - from);
    }
}

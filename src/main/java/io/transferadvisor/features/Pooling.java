package io.transferadvisor.features;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How a layer's activation is reduced per image before it is cached.
 *
 * <ul>
 *   <li>NONE: the full activation ([C, H, W] maps, or [D] for dense layers); needed to grow new
 *       layers on top of a cut.</li>
 *   <li>AVG: global average over space for 4D activations ([C]); identity for 2D ([D]).</li>
 *   <li>MOMENTS: per channel the spatial mean and the spatial mean of squares ([2C]: means first);
 *       for 2D the value and its square. Enough to recover exact per-channel mean and variance over
 *       any set of images, which is what the domain-shift measure needs.</li>
 * </ul>
 */
public enum Pooling {
    NONE, AVG, MOMENTS;

    /**
     * Applies this pooling to a batch activation [n, ...]; returns a FLOAT array [n, ...row shape].
     */
    public INDArray apply(INDArray activation) {
        INDArray a = activation.dataType() == DataType.FLOAT ? activation : activation.castTo(DataType.FLOAT);
        int rank = a.rank();
        if (rank != 2 && rank != 4) {
            throw new IllegalArgumentException("cannot pool an activation of rank " + rank + " (shape "
                    + java.util.Arrays.toString(a.shape()) + "); only [n, d] and [n, c, h, w] are supported");
        }
        return switch (this) {
            case NONE -> a;
            case AVG -> rank == 4 ? a.mean(2, 3) : a;
            case MOMENTS -> {
                INDArray mean = rank == 4 ? a.mean(2, 3) : a;
                INDArray sq = a.mul(a);
                INDArray meanSq = rank == 4 ? sq.mean(2, 3) : sq;
                yield Nd4j.hstack(mean, meanSq);
            }
        };
    }

    /**
     * Pooled rows of a batch activation [n, ...], one float[] per image, computed in plain Java
     * from one copy of the activation on the Java heap (a handful of small ND4J ops per batch and
     * layer cost more than the arithmetic; reading the native buffer in place was tried and costs
     * more in the forward pass than it saves, docs/DESIGN.md).
     */
    public float[][] rows(INDArray activation) {
        checkRank(activation);
        INDArray a = activation.castTo(DataType.FLOAT);
        if (a.ordering() != 'c' || a.isView() || a.offset() != 0 || a.data().length() != a.length()
                || !org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a)) { // a permuted array can pass the other tests
            a = a.dup('c'); // a c-order activation that owns its whole buffer is copied once, not twice (0.16 -> 0.11 s per ResNet50 batch)
        }
        float[] flat = a.data().asFloat();
        int n = (int) a.size(0);
        int per = (int) (a.length() / n);
        int c = (int) a.size(1);
        int hw = per / c;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            int base = i * per;
            switch (this) {
                case NONE -> out[i] = java.util.Arrays.copyOfRange(flat, base, base + per);
                case AVG -> {
                    float[] r = new float[c];
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        for (int k = 0; k < hw; k++) {
                            s += flat[base + ch * hw + k];
                        }
                        r[ch] = (float) (s / hw);
                    }
                    out[i] = r;
                }
                case MOMENTS -> {
                    float[] r = new float[2 * c];
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        double q = 0;
                        for (int k = 0; k < hw; k++) {
                            double v = flat[base + ch * hw + k];
                            s += v;
                            q += v * v;
                        }
                        r[ch] = (float) (s / hw);
                        r[c + ch] = (float) (q / hw);
                    }
                    out[i] = r;
                }
            }
        }
        return out;
    }

    /** Refuses an activation that is neither [n, d] nor [n, c, h, w], before any pooling starts. */
    public static void checkRank(INDArray activation) {
        int rank = activation.rank();
        if (rank != 2 && rank != 4) {
            throw new IllegalArgumentException("cannot pool an activation of rank " + rank + " (shape "
                    + java.util.Arrays.toString(activation.shape()) + "); only [n, d] and [n, c, h, w] are supported");
        }
    }

    /** Shape of one pooled row, given the activation shape without the batch dimension. */
    public long[] rowShape(long[] activationShape) {
        if (activationShape.length != 1 && activationShape.length != 3) {
            throw new IllegalArgumentException("cannot pool an activation of shape " + java.util.Arrays.toString(activationShape));
        }
        return switch (this) {
            case NONE -> activationShape.clone();
            case AVG -> new long[] {activationShape[0]};
            case MOMENTS -> new long[] {2 * activationShape[0]};
        };
    }
}

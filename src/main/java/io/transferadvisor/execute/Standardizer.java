package io.transferadvisor.execute;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-feature standardisation of flat features, (x - mean) / std, that can be folded exactly into
 * a following dense layer: W' = W / std (per input row), b' = b - (mean / std) . W.
 */
public record Standardizer(float[] mean, float[] std) {
    public static Standardizer fit(INDArray features) {
        if (features.rank() != 2) {
            throw new IllegalArgumentException("standardisation needs [n, d] features, got rank " + features.rank());
        }
        INDArray f = features.castTo(DataType.DOUBLE);
        double[] m = f.mean(0).toDoubleVector();
        double[] v = f.var(false, 0).toDoubleVector();
        float[] mean = new float[m.length];
        float[] std = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            mean[i] = (float) m[i];
            std[i] = (float) Math.max(Math.sqrt(v[i]), 1e-6);
        }
        return new Standardizer(mean, std);
    }

    public INDArray apply(INDArray features) {
        INDArray m = Nd4j.create(mean).reshape(1, mean.length);
        INDArray s = Nd4j.create(std).reshape(1, std.length);
        return features.castTo(DataType.FLOAT).subRowVector(m).diviRowVector(s);
    }

    /** Rewrites the dense/output layer's W [d, k] and b [1, k] so it takes unstandardised features. */
    public void foldInto(Layer dense) {
        INDArray w = dense.getParam("W");
        INDArray b = dense.getParam("b");
        INDArray s = Nd4j.create(std).reshape(std.length, 1).castTo(w.dataType());
        INDArray m = Nd4j.create(mean).reshape(1, mean.length).castTo(w.dataType());
        INDArray w2 = w.divColumnVector(s);
        INDArray b2 = b.sub(m.mmul(w2).reshape(b.shape()));
        dense.setParam("W", w2);
        dense.setParam("b", b2);
    }
}

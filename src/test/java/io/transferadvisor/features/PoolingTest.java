package io.transferadvisor.features;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pooling reads an activation's buffer directly only when it is laid out row by row: a permuted array
 * that owns its buffer (c order, not a view, the full length; a Keras Permute layer's output can be one)
 * is pooled from a row-major copy, as a fresh array is.
 */
class PoolingTest {
    @Test
    void aPermutedActivationPoolsLikeItsRowMajorCopy() {
        Nd4j.getRandom().setSeed(3);
        INDArray permuted = Nd4j.rand(DataType.FLOAT, 2, 4, 5, 3).permute(0, 3, 1, 2); // [2, 3, 4, 5], strides not row-major
        INDArray copy = permuted.dup('c');
        assertThat(java.util.Arrays.equals(permuted.data().asFloat(), copy.data().asFloat())).as("the buffer is not in row order").isFalse();
        for (Pooling p : Pooling.values()) {
            float[][] a = p.rows(permuted);
            float[][] b = p.rows(copy);
            assertThat(a).as(p.name()).isDeepEqualTo(b);
        }
        // and the pooled values are the means over space
        float[][] avg = Pooling.AVG.rows(copy);
        assertThat((double) avg[1][2]).isCloseTo(copy.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1), org.nd4j.linalg.indexing.NDArrayIndex.point(2),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all()).meanNumber().doubleValue(),
                org.assertj.core.api.Assertions.within(1e-6));
    }
}

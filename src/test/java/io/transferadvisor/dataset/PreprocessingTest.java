package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.testing.MemoryImageSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The presets' arithmetic, the gray-network case, and the set decorator. */
class PreprocessingTest {
    /** One pixel per channel plane: r = 1, g = 0.5, b = 0 (CHW). */
    static final float[] RGB = {1f, 0.5f, 0f};

    @Test
    void caffeSwapsToBgrScalesTo255AndSubtractsTheBgrMeans() {
        float[] x = Preprocessing.CAFFE.apply(RGB, 3);
        assertThat((double) x[0]).isCloseTo(0 * 255 - 103.939, within(1e-3)); // blue first
        assertThat((double) x[1]).isCloseTo(0.5 * 255 - 116.779, within(1e-3));
        assertThat((double) x[2]).isCloseTo(1 * 255 - 123.68, within(1e-3));
    }

    @Test
    void tfAndTorchAndNone() {
        assertThat(Preprocessing.TF.apply(RGB, 3)).containsExactly(1f, 0f, -1f);
        float[] t = Preprocessing.TORCH.apply(RGB, 3);
        assertThat((double) t[0]).isCloseTo((1 - 0.485) / 0.229, within(1e-5));
        assertThat((double) t[2]).isCloseTo((0 - 0.406) / 0.225, within(1e-5));
        assertThat(Preprocessing.NONE.apply(RGB, 3)).isSameAs(RGB);
        // a gray network with colour statistics gets their average
        float[] g = Preprocessing.TORCH.apply(new float[] {0.5f}, 1);
        assertThat((double) g[0]).isCloseTo((0.5 - (0.485 + 0.456 + 0.406) / 3) / ((0.229 + 0.224 + 0.225) / 3), within(1e-5));
    }

    @Test
    void presetsByNameAndBadValuesNamed() {
        assertThat(Preprocessing.named("Caffe")).isEqualTo(Preprocessing.CAFFE);
        assertThatThrownBy(() -> Preprocessing.named("imagenet")).hasMessage("preprocessing 'imagenet' unknown; allowed none, caffe, tf, torch");
        assertThatThrownBy(() -> new Preprocessing("x", 1, new double[] {0, 0}, new double[] {1, 1}, false))
                .hasMessageContaining("need 1 (all channels) or 3 (per channel) values");
        assertThatThrownBy(() -> new Preprocessing("x", 1, new double[] {0}, new double[] {0}, false)).hasMessageContaining("std must be > 0");
        assertThat(Preprocessing.CAFFE.describe()).isEqualTo("caffe (x255, BGR, minus 103.939/116.779/123.68)");
    }

    @Test
    void aPreprocessedSetKeepsLabelsAndSubsetsAndRefusesASecondPass() {
        InputGeometry g = new InputGeometry(4, 4, 1);
        MemoryImageSet raw = MemoryImageSet.blobs(3, 2, g, 9);
        ImageSet tf = raw.preprocessed(Preprocessing.TF);
        assertThat(raw.preprocessed(Preprocessing.NONE)).isSameAs(raw);
        ImageSet sub = tf.subset(new int[] {4, 1});
        assertThat(sub.label(0)).isEqualTo(raw.label(4));
        float[] want = raw.pixels(1, g);
        float[] got = sub.pixels(1, g);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isEqualTo(want[i] * 2 - 1);
        }
        assertThat(tf.classNames()).isEqualTo(raw.classNames());
        assertThatThrownBy(() -> tf.preprocessed(Preprocessing.TF)).hasMessageContaining("already preprocessed");
        assertThat(List.of(tf.size(), tf.describe(0))).containsExactly(raw.size(), raw.describe(0));
    }
}

package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class ImageSetIteratorTest {
    /** 10 images of 2x3 pixels; image i has every pixel = i / 100 and label i % 3. */
    private static ImageSet set(boolean labelled) {
        byte[] bytes = new byte[10 * 6];
        int[] labels = new int[10];
        int[] index = new int[10];
        for (int i = 0; i < 10; i++) {
            java.util.Arrays.fill(bytes, i * 6, i * 6 + 6, (byte) (i * 10));
            labels[i] = labelled ? i % 3 : -1;
            index[i] = i;
        }
        return new IdxImageSet(Path.of("mem.idx"), 2, 3, bytes, index, labels,
                labelled ? List.of("a", "b", "c") : List.of(),
                new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.AUTO));
    }

    @Test
    void batchesHaveNchwFeaturesAndOneHotLabels() {
        ImageSetIterator it = ImageSetIterator.inOrder(set(true), new InputGeometry(2, 3, 3), 4);
        List<DataSet> batches = new ArrayList<>();
        while (it.hasNext()) {
            batches.add(it.next());
        }
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).getFeatures().shape()).containsExactly(4, 3, 2, 3);
        assertThat(batches.get(2).getFeatures().shape()).containsExactly(2, 3, 2, 3);
        assertThat(batches.get(0).getLabels().shape()).containsExactly(4, 3);
        // image 5: label 2, pixel 50/255 in every channel
        DataSet b1 = batches.get(1);
        assertThat(b1.getLabels().getRow(1).toFloatVector()).containsExactly(0f, 0f, 1f);
        assertThat(b1.getFeatures().getFloat(1, 2, 1, 2)).isEqualTo(50 / 255f);
        assertThat(it.inputColumns()).isEqualTo(18);
        assertThat(it.totalOutcomes()).isEqualTo(3);
        assertThat(it.getLabels()).containsExactly("a", "b", "c");
    }

    @Test
    void shufflingIsSeededPerEpochAndResetStartsANewEpoch() {
        ImageSetIterator a = new ImageSetIterator(set(true), new InputGeometry(2, 3, 1), 3, true, 7);
        ImageSetIterator b = new ImageSetIterator(set(true), new InputGeometry(2, 3, 1), 3, true, 7);
        int[] first = a.epochOrder();
        assertThat(first).isEqualTo(b.epochOrder());
        assertThat(first).isNotEqualTo(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThat(first).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        // labels follow the permutation
        DataSet ds = a.next();
        for (int i = 0; i < 3; i++) {
            assertThat(ds.getLabels().getFloat(i, first[i] % 3)).isEqualTo(1f);
        }
        int seen = 3;
        while (a.hasNext()) {
            seen += a.next().numExamples();
        }
        assertThat(seen).isEqualTo(10);
        a.reset();
        assertThat(a.hasNext()).isTrue();
        assertThat(a.epochOrder()).isNotEqualTo(first);
        b.reset();
        assertThat(a.epochOrder()).isEqualTo(b.epochOrder());
    }

    @Test
    void unlabelledSetsYieldFeaturesAsTargets() {
        ImageSetIterator it = ImageSetIterator.inOrder(set(false), new InputGeometry(2, 3, 1), 5);
        DataSet ds = it.next();
        assertThat(ds.getLabels()).isEqualTo(ds.getFeatures());
        assertThat(ds.getFeatures().shape()).containsExactly(5, 1, 2, 3);
    }
}

package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SuiteTasksTest {
    static final SuiteSpec SUITE = SuiteSpec.read(SuiteSpecTest.SUITE);

    @Test
    void aFashionTaskHasItsSizesAndEachSeedIsAnotherDraw() {
        SuiteSpec.Task t = SUITE.task("new-shoes-10");
        LoadedDataset a = SuiteTasks.build(SUITE, t, 42, SuiteSpecTest.SUITE);
        // 10 labelled per class: 1 validation (10%), 9 train; 60 test per class; 3 classes
        assertThat(a.train().size()).isEqualTo(27);
        assertThat(a.validation().size()).isEqualTo(3);
        assertThat(a.test().size()).isEqualTo(180);
        assertThat(a.train().classCounts()).containsExactly(9, 9, 9);
        assertThat(a.classNames()).containsExactly("sandal", "sneaker", "ankle-boot");
        assertThat(SuiteTasks.build(SUITE, t, 42, SuiteSpecTest.SUITE).contentHash()).isEqualTo(a.contentHash());
        assertThat(SuiteTasks.build(SUITE, t, 43, SuiteSpecTest.SUITE).contentHash()).isNotEqualTo(a.contentHash());
        float[] px = a.train().pixels(0, new InputGeometry(28, 28, 1));
        assertThat(px).hasSize(784);
    }

    @Test
    void aShiftedTaskShiftsTrainAndTestAlike() {
        SuiteSpec.Task inv = SUITE.task("same-invert-4");
        LoadedDataset d = SuiteTasks.build(SUITE, inv, 42, SuiteSpecTest.SUITE);
        // Fashion-MNIST has a black background: inverted images are mostly bright, in train and test
        assertThat(mean(d.train().pixels(0, new InputGeometry(28, 28, 1)))).isGreaterThan(0.5);
        assertThat(mean(d.test().pixels(0, new InputGeometry(28, 28, 1)))).isGreaterThan(0.5);
    }

    @Test
    void glyphTasksCarryTheFontsInTheirIdentity() {
        SuiteSpec.Task g = SUITE.task("digits-4");
        String id = SuiteTasks.identity(SUITE, g);
        assertThat(id).startsWith(g.hash(SUITE)).contains("-f");
        assertThat(SuiteTasks.identity(SUITE, SUITE.task("new-5cls-4"))).isEqualTo(SUITE.task("new-5cls-4").hash(SUITE));
        LoadedDataset d = SuiteTasks.build(SUITE, g, 42, Path.of("examples/suite.yaml"));
        assertThat(d.classNames()).hasSize(10).first().isEqualTo("glyph-0");
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s / v.length;
    }
}

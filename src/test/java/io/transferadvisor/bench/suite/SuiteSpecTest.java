package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.DatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteSpecTest {
    static final Path SUITE = Path.of("examples/suite.yaml");

    @Test
    void theCommittedSuiteSpansWhatIssue8AsksFor() {
        SuiteSpec s = SuiteSpec.read(SUITE);
        assertThat(s.tasks()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(s.seeds()).hasSize(3);
        var split = s.bySplit();
        assertThat(split.get(SuiteSpec.CALIBRATION)).hasSizeGreaterThanOrEqualTo(10);
        assertThat(split.get(SuiteSpec.HELD_OUT)).hasSizeGreaterThanOrEqualTo(10);
        Set<Integer> sizeBins = new HashSet<>();
        Set<String> relations = new HashSet<>();
        int minClasses = 99;
        int maxClasses = 0;
        for (SuiteSpec.Task t : s.tasks()) {
            sizeBins.add(HeatMap.sizeBin(t.perClass()));
            relations.add(s.family(t).relation());
            minClasses = Math.min(minClasses, t.classes().size());
            maxClasses = Math.max(maxClasses, t.classes().size());
        }
        assertThat(sizeBins).as("3-6, 10, 20, 50, 200 and 1000+ per class").hasSize(6);
        assertThat(relations).contains("same-labels-shift", "new-labels", "new-labels-shift", "new-domain");
        assertThat(minClasses).isEqualTo(2);
        assertThat(maxClasses).isGreaterThanOrEqualTo(10);
        // a family is wholly on one side: the split is by family, never by task
        for (String fam : s.families().keySet()) {
            assertThat(s.tasks().stream().filter(t -> t.family().equals(fam)).map(s::calibration).distinct()).hasSizeLessThanOrEqualTo(1);
        }
        assertThat(s.quick()).isNotEmpty();
    }

    @Test
    void badSuitesAreRefusedNamingTheProblem(@TempDir Path dir) throws Exception {
        String good = Files.readString(SUITE);
        assertRefused(dir, good.replace("family: fm-new, source: fashion, classes: [\"5\", \"6\", \"7\", \"8\", \"9\"], per_class: 4",
                "family: fm-nwe, source: fashion, classes: [\"5\", \"6\", \"7\", \"8\", \"9\"], per_class: 4"), "unknown family fm-nwe");
        assertRefused(dir, good.replace("shift: invert, per_class: 4", "shift: \"blur:9\", per_class: 4"), "blur:9");
        assertRefused(dir, good.replace("id: new-shoes-10", "id: new-5cls-4"), "repeated");
        assertRefused(dir, good.replace("version: 1", "version: 2"), "version 2");
        assertRefused(dir, good.replace("seeds: [42, 43, 44]", "seeds: [42, 43, 44]\ncolour: red"), "not a valid suite file");
        assertRefused(dir, good.replace("quick: [new-5cls-4", "quick: [new-5cls-5"), "quick: unknown task new-5cls-5");
    }

    private static void assertRefused(Path dir, String text, String fragment) throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, text);
        assertThatThrownBy(() -> SuiteSpec.read(f)).isInstanceOf(DatasetException.class).hasMessageContaining(fragment)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}

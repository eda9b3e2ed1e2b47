package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.DatasetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteResultsTest {
    static SuiteResults.Trial trial(String task, long seed, String hash, String key, double acc) {
        return new SuiteResults.Trial(task, seed, hash, key, acc, (int) Math.round(acc * 100), 100, 5, 1.5);
    }

    @Test
    void recordsSurviveAReopenAndOnlyTheSameTaskDefinitionIsReused(@TempDir Path dir) {
        Path f = dir.resolve("r.jsonl");
        SuiteResults r = SuiteResults.open(f);
        r.append(trial("t1", 42, "h1", "FINETUNE_ALL|-|0|SOFTMAX", 0.81));
        r.append(trial("t1", 43, "h1", "FINETUNE_ALL|-|0|SOFTMAX", 0.79));
        SuiteResults again = SuiteResults.open(f);
        assertThat(again.trial("t1", 42, "h1", "FINETUNE_ALL|-|0|SOFTMAX")).get().extracting(SuiteResults.Trial::testAccuracy).isEqualTo(0.81);
        assertThat(again.trial("t1", 42, "h2", "FINETUNE_ALL|-|0|SOFTMAX")).as("another task definition").isEmpty();
        assertThat(again.trials("t1", 43, "h1")).hasSize(1);
    }

    @Test
    void anEnsembleIsFoundOnlyUnderItsOwnMembersAndTaskHashes(@TempDir Path dir) {
        Path f = dir.resolve("r.jsonl");
        SuiteResults.open(f).append(new SuiteResults.EnsembleTrial("t1", 42, java.util.List.of("a", "b"), java.util.List.of("ha", "hb"),
                java.util.List.of("FINETUNE_ALL|-|0|SOFTMAX", "FROM_SCRATCH|-|0|SOFTMAX"), 0.9, 90, 100, java.util.List.of(0.85, 0.8), 3.0));
        SuiteResults r = SuiteResults.open(f);
        assertThat(r.ensemble("t1", 42, java.util.List.of("ha", "hb"), java.util.List.of("FINETUNE_ALL|-|0|SOFTMAX", "FROM_SCRATCH|-|0|SOFTMAX")))
                .get().extracting(SuiteResults.EnsembleTrial::memberAccuracies).isEqualTo(java.util.List.of(0.85, 0.8));
        // another best trial (a re-run changed a model's oracle) or another task definition: not this ensemble
        assertThat(r.ensemble("t1", 42, java.util.List.of("ha", "hb"), java.util.List.of("FINETUNE_ALL|-|0|SOFTMAX", "FINETUNE_ALL|-|0|SOFTMAX"))).isEmpty();
        assertThat(r.ensemble("t1", 42, java.util.List.of("ha", "hc"), java.util.List.of("FINETUNE_ALL|-|0|SOFTMAX", "FROM_SCRATCH|-|0|SOFTMAX"))).isEmpty();
        assertThat(r.ensemble("t1", 43, java.util.List.of("ha", "hb"), java.util.List.of("FINETUNE_ALL|-|0|SOFTMAX", "FROM_SCRATCH|-|0|SOFTMAX"))).isEmpty();
    }

    @Test
    void aShortTrialIsFoundUnderItsOwnTaskHashAndSeed(@TempDir Path dir) {
        Path f = dir.resolve("r.jsonl");
        SuiteResults.open(f).append(new SuiteResults.FoldTrial("t1", 42, "ha", "FINETUNE_ABOVE|b1_pool|0|SOFTMAX", 3, 15, 11, 11 / 15.0, 0.73, 9.5));
        SuiteResults r = SuiteResults.open(f);
        assertThat(r.foldTrial("t1", 42, "ha")).get().satisfies(t -> {
            assertThat(t.logLoss()).isEqualTo(0.73);
            assertThat(t.oofCorrect()).isEqualTo(11);
            assertThat(t.folds()).isEqualTo(3);
        });
        assertThat(r.foldTrial("t1", 42, "hb")).as("another model's (or task definition's) hash").isEmpty();
        assertThat(r.foldTrial("t1", 43, "ha")).isEmpty();
        // and it is no oracle trial
        assertThat(r.trials("t1", 42, "ha")).isEmpty();
    }

    @Test
    void aRecordTornByAKillIsCutAndTheNextAppendStaysReadable(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.jsonl");
        SuiteResults.open(f).append(trial("t1", 42, "h", "FROM_SCRATCH|-|0|SOFTMAX", 0.5));
        Files.writeString(f, "{\"kind\":\"trial\",\"task\":\"t1\",\"se", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        SuiteResults r = SuiteResults.open(f);
        assertThat(r.trials("t1", 42, "h")).hasSize(1);
        r.append(trial("t1", 42, "h", "FINETUNE_ALL|-|0|SOFTMAX", 0.6));
        assertThat(SuiteResults.open(f).trials("t1", 42, "h")).hasSize(2);
        assertThat(Files.readAllLines(f)).hasSize(2);
    }

    @Test
    void aFileThatIsNotOursIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("notes.md");
        Files.writeString(f, "# my notes\nsome text without a final newline");
        byte[] before = Files.readAllBytes(f);
        assertThatThrownBy(() -> SuiteResults.open(f)).isInstanceOf(DatasetException.class).hasMessageContaining("line 1: not a suite result record");
        Path g = dir.resolve("one-line");
        Files.writeString(g, "hello");
        assertThatThrownBy(() -> SuiteResults.open(g)).isInstanceOf(DatasetException.class).hasMessageContaining("not a suite result record");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        assertThat(Files.readString(g)).isEqualTo("hello");
    }
}

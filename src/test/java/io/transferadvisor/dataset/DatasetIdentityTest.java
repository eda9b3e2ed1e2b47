package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remembered dataset identity: used while nothing it depends on changed, recomputed the moment something did. */
class DatasetIdentityTest {
    static DatasetSpec spec(Path dir, String extra) throws Exception {
        TestData.folders(dir.resolve("train"), "cat", 6, "dog", 6);
        TestData.folders(dir.resolve("test"), "cat", 2, "dog", 2);
        return SpecReader.read(TestData.yaml(dir, "d.yaml", """
                version: 1
                train: {format: folder, path: train}
                test: {format: folder, path: test}
                split: {validation: 0.25}
                """ + extra));
    }

    static Path memo(Path cache) throws Exception {
        try (Stream<Path> s = Files.list(cache.resolve("dataset-identity"))) {
            List<Path> l = s.toList();
            assertThat(l).hasSize(1);
            return l.get(0);
        }
    }

    @Test
    void theRememberedIdentityIsReadBackAndEqualsTheLoadersOwn(@TempDir Path dir) throws Exception {
        DatasetSpec spec = spec(dir.resolve("data"), "");
        Path cache = dir.resolve("cache");
        DatasetIdentity.Identity first = DatasetIdentity.of(spec, cache);
        LoadedDataset loaded = DatasetLoader.load(spec);
        assertThat(first.contentHash()).isEqualTo(loaded.contentHash());
        assertThat(first.trainImages()).isEqualTo(loaded.train().size());
        assertThat(first.labelledCount()).isEqualTo(16);
        // the second call reads the memo: a planted hash comes back, which a decode would not give
        Path m = memo(cache);
        Files.writeString(m, Json.json().writeValueAsString(new DatasetIdentity.Identity("planted", first.classNames(), 16, first.trainImages())));
        assertThat(DatasetIdentity.of(spec, cache).contentHash()).isEqualTo("planted");
        // an unreadable memo is recomputed and replaced
        Files.writeString(m, "{not json");
        assertThat(DatasetIdentity.of(spec, cache).contentHash()).isEqualTo(loaded.contentHash());
        assertThat(Json.json().readValue(m.toFile(), DatasetIdentity.Identity.class)).isEqualTo(first);
    }

    @Test
    void aChangedImageAnAddedImageOrAnotherSeedIsAnotherKey(@TempDir Path dir) throws Exception {
        DatasetSpec spec = spec(dir.resolve("data"), "");
        String k0 = DatasetIdentity.key(spec);
        assertThat(DatasetIdentity.key(spec)).isEqualTo(k0);
        Path img = dir.resolve("data/train/cat/cat_00.png");
        Files.setLastModifiedTime(img, FileTime.fromMillis(Files.getLastModifiedTime(img).toMillis() + 5000));
        String k1 = DatasetIdentity.key(spec);
        assertThat(k1).isNotEqualTo(k0);
        TestData.grayPng(dir.resolve("data/train/dog/dog_99.png"), 8, 8, 7);
        String k2 = DatasetIdentity.key(spec);
        assertThat(k2).isNotEqualTo(k1);
        Files.delete(dir.resolve("data/d.yaml"));
        DatasetSpec seeded = SpecReader.read(TestData.yaml(dir.resolve("data"), "d.yaml", """
                version: 1
                train: {format: folder, path: train}
                test: {format: folder, path: test}
                split: {validation: 0.25}
                seed: 7
                """));
        assertThat(DatasetIdentity.key(seeded)).isNotEqualTo(k2);
        // and the identity under the new key is the new data's
        Path cache = dir.resolve("cache");
        assertThat(DatasetIdentity.of(seeded, cache).contentHash()).isEqualTo(DatasetLoader.load(seeded).contentHash());
    }
}

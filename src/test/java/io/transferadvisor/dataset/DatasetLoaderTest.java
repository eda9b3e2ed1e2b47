package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    private LoadedDataset idx(boolean gzip, String extra) throws IOException {
        String ext = gzip ? ".gz" : "";
        TestData.writeIdx(dir.resolve("train-images" + ext), dir.resolve("train-labels" + ext), TestData.labels(4, 30), 3, 3, gzip);
        TestData.writeIdx(dir.resolve("test-images" + ext), dir.resolve("test-labels" + ext), TestData.labels(4, 12), 3, 3, gzip);
        Path f = TestData.yaml(dir, "d.yaml", String.format(java.util.Locale.ROOT, """
                version: 1
                train:
                  format: idx
                  images: train-images%1$s
                  labels: train-labels%1$s
                  classes: [1, 2, 3]
                  rename: {1: one, 3: three}
                  per_class: 20
                test:
                  format: idx
                  images: test-images%1$s
                  labels: test-labels%1$s
                  per_class: 5
                split: {validation: 0.25}
                %2$s
                """, ext, extra));
        return DatasetLoader.load(SpecReader.read(f));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void idxGzippedOrPlainFiltersRenamesSubsamplesAndHoldsOutValidation(boolean gzip) throws IOException {
        LoadedDataset d = idx(gzip, "seed: 5");
        assertThat(d.classNames()).containsExactly("one", "2", "three");
        assertThat(d.train().classCounts()).containsExactly(15, 15, 15);
        assertThat(d.validation().classCounts()).containsExactly(5, 5, 5);
        // the test set inherits train's class filter and renames, indexed like train
        assertThat(d.test().classNames()).containsExactly("one", "2", "three");
        assertThat(d.test().classCounts()).containsExactly(5, 5, 5);
        // every image's pixels are the ones the file holds for that index and label
        InputGeometry g = new InputGeometry(3, 3, 1);
        for (ImageSet s : new ImageSet[] {d.train(), d.validation(), d.test()}) {
            for (int i = 0; i < s.size(); i++) {
                int fileIndex = Integer.parseInt(s.describe(i).substring(s.describe(i).lastIndexOf('#') + 1));
                int originalLabel = s.label(i) + 1;  // classes 1, 2, 3 -> 0, 1, 2
                assertThat(fileIndex % 4).isEqualTo(originalLabel);
                float expected = TestData.pixelOf(fileIndex, originalLabel) / 255f;
                assertThat(s.pixels(i, g)).containsOnly(expected);
            }
        }
        assertThat(d.contentHash()).matches("[0-9a-f]{64}");
    }

    @Test
    void gzipAndPlainCopiesOfTheSameDataHashAlike() throws IOException {
        String a = idx(true, "seed: 5").contentHash();
        String b = idx(false, "seed: 5").contentHash();
        assertThat(a).isEqualTo(b);
        assertThat(idx(true, "seed: 6").contentHash()).isNotEqualTo(a);
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() throws IOException {
        TestData.folders(dir.resolve("pets"), "cat", 10, "dog", 10, "fox", 10);
        Path f = TestData.yaml(dir, "d.yaml", """
                version: 1
                train: {format: folder, path: pets}
                split: {test: 0.3, validation: 0.2}
                seed: 11
                """);
        LoadedDataset a = DatasetLoader.load(SpecReader.read(f));
        LoadedDataset b = DatasetLoader.load(SpecReader.read(f));
        assertThat(names(a.test())).isEqualTo(names(b.test()));
        assertThat(names(a.validation())).isEqualTo(names(b.validation()));
        assertThat(a.contentHash()).isEqualTo(b.contentHash());
        // stratified: 3 test, 2 validation, 5 train per class; the sets are disjoint and cover everything
        assertThat(a.test().classCounts()).containsExactly(3, 3, 3);
        assertThat(a.validation().classCounts()).containsExactly(2, 2, 2);
        assertThat(a.train().classCounts()).containsExactly(5, 5, 5);
        Set<String> all = new HashSet<>(names(a.train()));
        all.addAll(names(a.validation()));
        all.addAll(names(a.test()));
        assertThat(all).hasSize(30);
        Files.writeString(f, Files.readString(f).replace("seed: 11", "seed: 12"));
        LoadedDataset c = DatasetLoader.load(SpecReader.read(f));
        assertThat(names(c.test())).isNotEqualTo(names(a.test()));
        assertThat(c.contentHash()).isNotEqualTo(a.contentHash());
    }

    @Test
    void folderLoaderDecodesRgbAndGrayFilesAndStreamsByPath() throws IOException {
        TestData.folders(dir.resolve("pets"), "cat", 4, "dog", 4);
        // an RGB JPEG-free check: a pure-red PNG in the cat class, read as luma for a 1-channel model
        var img = new java.awt.image.BufferedImage(5, 5, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                img.setRGB(x, y, 0xff0000);
            }
        }
        javax.imageio.ImageIO.write(img, "png", dir.resolve("pets/cat/red.png").toFile());
        Path f = TestData.yaml(dir, "d.yaml", """
                version: 1
                train: {format: folder, path: pets, classes: [dog, cat]}
                split: {test: 0.2, validation: 0.2}
                """);
        LoadedDataset d = DatasetLoader.load(SpecReader.read(f));
        assertThat(d.classNames()).containsExactly("dog", "cat");
        ImageSet all = concat(d);
        int red = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.describe(i).endsWith("red.png")) {
                red = i;
            }
        }
        assertThat(red).isNotNegative();
        assertThat(all.label(red)).isEqualTo(1);
        float[] gray = all.pixels(red, new InputGeometry(5, 5, 1));
        assertThat(gray[0]).isCloseTo(0.299f, org.assertj.core.data.Offset.offset(1e-6f));
        float[] rgb = all.pixels(red, new InputGeometry(10, 10, 3));
        assertThat(rgb).hasSize(300);
        assertThat(rgb[0]).isEqualTo(1f);
        assertThat(rgb[100]).isEqualTo(0f);
        // a file that disappears after loading fails with its path, not silently
        Files.delete(dir.resolve("pets/cat/red.png"));
        int r = red;
        assertThatThrownBy(() -> all.pixels(r, new InputGeometry(5, 5, 1)))
                .isInstanceOf(DatasetException.class).hasMessageContaining("red.png");
    }

    @Test
    void unlabelledFolderIsLimitedAndSeeded() throws IOException {
        TestData.folders(dir.resolve("pets"), "cat", 4, "dog", 4);
        for (int i = 0; i < 12; i++) {
            TestData.grayPng(dir.resolve("u/u" + i + ".png"), 6, 6, i * 20);
        }
        Path f = TestData.yaml(dir, "d.yaml", """
                version: 1
                train: {format: folder, path: pets}
                unlabelled: {format: folder, path: u, limit: 5}
                """);
        LoadedDataset a = DatasetLoader.load(SpecReader.read(f));
        LoadedDataset b = DatasetLoader.load(SpecReader.read(f));
        assertThat(a.unlabelled()).isPresent();
        ImageSet u = a.unlabelled().orElseThrow();
        assertThat(u.size()).isEqualTo(5);
        assertThat(u.label(0)).isEqualTo(-1);
        assertThat(names(u)).isEqualTo(names(b.unlabelled().orElseThrow()));
    }

    private static ImageSet concat(LoadedDataset d) {
        // train, validation and test are subsets of one folder set; rebuild the whole for lookups
        java.util.List<java.nio.file.Path> files = new java.util.ArrayList<>();
        java.util.List<Integer> labels = new java.util.ArrayList<>();
        for (ImageSet s : new ImageSet[] {d.train(), d.validation(), d.test()}) {
            for (int i = 0; i < s.size(); i++) {
                files.add(Path.of(s.describe(i)));
                labels.add(s.label(i));
            }
        }
        return new FolderImageSet(files, labels.stream().mapToInt(Integer::intValue).toArray(), d.classNames(),
                d.spec().fit());
    }

    private static java.util.List<String> names(ImageSet s) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(s.describe(i));
        }
        return out;
    }
}

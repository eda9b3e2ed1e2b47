package io.transferadvisor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming benchmark's folder: 224x224 RGB JPEGs, classes in turn, the same files for the same seed. */
class StreamBenchTest {
    @Test
    void aFolderItDidNotMakeIsRefusedAndLeftAlone(@TempDir Path tmp) throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("cache"));
        java.nio.file.Files.writeString(tmp.resolve("cache/mine.txt"), "keep");
        var o = new StreamBench.Options(tmp, 40, "2g", tmp.resolve("none.jar"), "advisor bench stream");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamBench.run(o, new java.io.PrintWriter(java.io.Writer.nullWriter())))
                .isInstanceOf(io.transferadvisor.UsageException.class).hasMessageContaining("was not made by 'advisor bench stream'");
        assertThat(tmp.resolve("cache/mine.txt")).hasContent("keep");
        assertThat(tmp.resolve(StreamBench.MARKER)).doesNotExist();
    }

    @Test
    void generatesBalancedRgbJpegsReproducibly(@TempDir Path tmp) throws Exception {
        StreamBench.generate(tmp.resolve("a"), 10, 42);
        StreamBench.generate(tmp.resolve("b"), 10, 42);
        for (String c : StreamBench.CLASSES) {
            try (Stream<Path> s = Files.list(tmp.resolve("a").resolve(c))) {
                assertThat(s.count()).as(c).isBetween(2L, 3L);
            }
        }
        Path f = tmp.resolve("a/triangle/00002.jpg");
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(224);
        assertThat(img.getHeight()).isEqualTo(224);
        assertThat(img.getRaster().getNumBands()).isEqualTo(3);
        assertThat(Files.readAllBytes(tmp.resolve("b/triangle/00002.jpg"))).isEqualTo(Files.readAllBytes(f));
    }
}

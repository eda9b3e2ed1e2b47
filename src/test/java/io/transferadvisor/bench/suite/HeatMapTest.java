package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.bench.suite.HeatMap.Point;
import io.transferadvisor.util.OwnFiles;
import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite heat map: binning, the winner of a cell, the pixels of the written PNG, and determinism. */
class HeatMapTest {
    @TempDir
    Path dir;

    /** A run where FINETUNE_ALL is the oracle and the others trail it. */
    static Point finetuneAllWins(String task, int perClass, double sim, boolean calibration) {
        return new Point(task, perClass, sim, Map.of("FINETUNE_ALL", 0.0, "LINEAR_FROZEN", 4.0, "FINETUNE_ABOVE", 1.5),
                "FINETUNE_ABOVE", 1.5, calibration);
    }

    static List<Point> sample() {
        return List.of(
                finetuneAllWins("cifar-like", 200, 0.42, true),
                finetuneAllWins("cifar-like", 200, 0.45, false),
                finetuneAllWins("svhn-like", 300, 0.30, false),
                new Point("tiny-close", 4, 0.95, Map.of("LINEAR_FROZEN", 0.0, "FINETUNE_ALL", 9.0), "FINETUNE_ALL", 9.0, true));
    }

    static int rgb(BufferedImage img, Rectangle cell) {
        return img.getRGB(cell.x + 4, cell.y + 4) & 0xFFFFFF; // inside the cell, clear of its labels and markers
    }

    @Test
    void sizeBinsFollowTheEdges() {
        assertThat(HeatMap.sizeLabel(HeatMap.sizeBin(4))).isEqualTo("3-6");
        assertThat(HeatMap.sizeLabel(HeatMap.sizeBin(6))).isEqualTo("3-6");
        assertThat(HeatMap.sizeLabel(HeatMap.sizeBin(7))).isEqualTo("10");
        assertThat(HeatMap.sizeLabel(HeatMap.sizeBin(34))).isEqualTo("20");
        assertThat(HeatMap.sizeLabel(HeatMap.sizeBin(35))).isEqualTo("50");
        assertThat(HeatMap.sizeLabel(HeatMap.sizeBin(499))).isEqualTo("200");
        assertThat(HeatMap.sizeLabel(HeatMap.sizeBin(1000))).isEqualTo("1000+");
    }

    @Test
    void highSimilarityIsTheTopRow() {
        int top = HeatMap.similarityBin(0.95);
        assertThat(top).isEqualTo(HeatMap.similarityBins() - 1);
        assertThat(HeatMap.similarityBin(1.0)).isEqualTo(top);
        assertThat(HeatMap.similarityBin(0.5)).isEqualTo(1);
        assertThat(HeatMap.similarityBin(0.49)).isZero();
        for (int b = 0; b < HeatMap.similarityBins() - 1; b++) {
            assertThat(HeatMap.cellRect(0, top).y).isLessThan(HeatMap.cellRect(0, b).y);
        }
        assertThat(HeatMap.similarityLabel(top)).isEqualTo("0.9-1.0");
    }

    @Test
    void theWinnerHasTheLowestMeanRegretAndTiesGoAlphabetically() {
        HeatMap.Cell c = HeatMap.cell(List.of(
                new Point("a", 10, 0.7, Map.of("LINEAR_FROZEN", 0.0, "FINETUNE_ALL", 3.0), "LINEAR_FROZEN", 0, true),
                new Point("b", 10, 0.7, Map.of("LINEAR_FROZEN", 4.0, "FINETUNE_ALL", 0.0), "LINEAR_FROZEN", 4, true)));
        assertThat(c.winner()).isEqualTo("FINETUNE_ALL"); // 1.5 vs 2.0
        assertThat(c.meanRegret()).isEqualTo(1.5);
        HeatMap.Cell tie = HeatMap.cell(List.of(
                new Point("a", 10, 0.7, Map.of("TRUNCATE_GROW", 1.0, "ENSEMBLE", 1.0), "ENSEMBLE", 1, true)));
        assertThat(tie.winner()).isEqualTo("ENSEMBLE");
    }

    @Test
    void aStrategyMissingFromSomeRunsCannotWinOnItsOneLuckyRun() {
        HeatMap.Cell c = HeatMap.cell(List.of(
                new Point("a", 10, 0.7, Map.of("ENSEMBLE", 0.0, "FINETUNE_ALL", 1.0), "FINETUNE_ALL", 1, true),
                new Point("b", 10, 0.7, Map.of("FINETUNE_ALL", 1.0), "FINETUNE_ALL", 1, true)));
        assertThat(c.winner()).isEqualTo("FINETUNE_ALL");
    }

    @Test
    void writesASignedPngOfTheExpectedSizeWithWinnerAndEmptyCells() throws Exception {
        Path png = dir.resolve("heat.png");
        HeatMap.write(sample(), "suite heat map", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(HeatMapCanvas.WIDTH);
        assertThat(img.getHeight()).isEqualTo(HeatMapCanvas.HEIGHT);
        assertThat(OwnFiles.signedPlot(png)).isTrue();

        int col200 = HeatMap.sizeBin(200);
        int lowSim = HeatMap.similarityBin(0.42);
        assertThat(rgb(img, HeatMap.cellRect(col200, lowSim))).isEqualTo(HeatMapCanvas.colour("FINETUNE_ALL").getRGB() & 0xFFFFFF);
        assertThat(rgb(img, HeatMap.cellRect(HeatMap.sizeBin(4), HeatMap.similarityBin(0.95))))
                .isEqualTo(HeatMapCanvas.colour("LINEAR_FROZEN").getRGB() & 0xFFFFFF);
        assertThat(rgb(img, HeatMap.cellRect(HeatMap.sizeBin(1000), HeatMap.similarityBin(0.55))))
                .isEqualTo(HeatMapCanvas.EMPTY.getRGB() & 0xFFFFFF);
        assertThat(HeatMapCanvas.colour("FINETUNE_ALL")).isNotEqualTo(HeatMapCanvas.EMPTY);
        assertThat(Files.list(dir)).containsExactly(png); // no temporary left behind
    }

    @Test
    void aBadAdvisorRunGetsARedRing() {
        BufferedImage img = HeatMap.render(List.of(sample().get(3)), "t"); // advisor regret 9 > 5
        Rectangle r = HeatMap.cellRect(HeatMap.sizeBin(4), HeatMap.similarityBin(0.95));
        int red = HeatMapCanvas.BAD.getRGB() & 0xFFFFFF;
        long reds = 0;
        for (int y = r.y; y < r.y + r.height; y++) {
            for (int x = r.x; x < r.x + r.width; x++) {
                reds += (img.getRGB(x, y) & 0xFFFFFF) == red ? 1 : 0;
            }
        }
        assertThat(reds).isGreaterThan(5);
        BufferedImage good = HeatMap.render(List.of(sample().get(0)), "t");
        Rectangle g = HeatMap.cellRect(HeatMap.sizeBin(200), HeatMap.similarityBin(0.42));
        for (int y = g.y; y < g.y + g.height; y++) {
            for (int x = g.x; x < g.x + g.width; x++) {
                assertThat(good.getRGB(x, y) & 0xFFFFFF).isNotEqualTo(red);
            }
        }
    }

    @Test
    void sameInputSameBytes() throws Exception {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        HeatMap.write(sample(), "suite", a);
        HeatMap.write(sample(), "suite", b);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        Path c = dir.resolve("c.png");
        HeatMap.write(sample().subList(0, 2), "suite", c);
        assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
    }

    @Test
    void badPointsAreRefusedWithTheFieldAndTheFix() {
        assertThatThrownBy(() -> new Point("t", 10, 1.2, Map.of("FINETUNE_ALL", 0.0), "FINETUNE_ALL", 0, true))
                .hasMessageContaining("similarity 1.2 out of range; allowed 0..1");
        assertThatThrownBy(() -> new Point("t", 10, 0.5, Map.of("FINETUNE_EVERYTHING", 0.0), "FINETUNE_ALL", 0, true))
                .hasMessageContaining("'FINETUNE_EVERYTHING' is not a strategy; valid: [LINEAR_FROZEN");
        assertThatThrownBy(() -> new Point("t", 10, 0.5, Map.of("FINETUNE_ALL", -1.0), "FINETUNE_ALL", 0, true))
                .hasMessageContaining("regret of FINETUNE_ALL is -1.0");
        assertThatThrownBy(() -> new Point("t", 0, 0.5, Map.of("FINETUNE_ALL", 0.0), "FINETUNE_ALL", 0, true))
                .hasMessageContaining("perClass 0 must be >= 1");
    }
}

package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageFitTest {
    private static final DatasetSpec.Fit STRETCH = new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.AUTO);

    @Test
    void sameSizeIsAnExactCopy() {
        float[] src = {0.1f, 0.2f, 0.3f, 0.4f};
        assertThat(ImageFit.fit(src, 2, 2, 1, new InputGeometry(2, 2, 1), STRETCH)).containsExactly(src);
    }

    @Test
    void stretchUpsamplesBilinearlyWithHalfPixelCentres() {
        // [[0, 1], [1, 0]] -> 4x4: sample positions -0.25, 0.25, 0.75, 1.25 clamp to 0, .25, .75, 1
        float[] out = ImageFit.fit(new float[] {0, 1, 1, 0}, 2, 2, 1, new InputGeometry(4, 4, 1), STRETCH);
        assertThat(out).containsExactly(new float[] {
            0f, 0.25f, 0.75f, 1f,
            0.25f, 0.375f, 0.625f, 0.75f,
            0.75f, 0.625f, 0.375f, 0.25f,
            1f, 0.75f, 0.25f, 0f}, offset(1e-6f));
    }

    @Test
    void stretchDownsamplesTwoByTwoBlocksToTheirMean() {
        float[] src = {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1};
        float[] out = ImageFit.fit(src, 4, 4, 1, new InputGeometry(2, 2, 1), STRETCH);
        assertThat(out).containsExactly(new float[] {0.5f, 0f, 0f, 1f}, offset(1e-6f));
    }

    @Test
    void padKeepsAspectAndFillsWithBlack() {
        // 2x4 of ones into 4x4: scale 1, rows 1..2 hold the image, rows 0 and 3 are padding
        float[] src = new float[8];
        java.util.Arrays.fill(src, 1f);
        float[] out = ImageFit.fit(src, 2, 4, 1, new InputGeometry(4, 4, 1),
                new DatasetSpec.Fit(DatasetSpec.Resize.PAD, DatasetSpec.ColorMode.AUTO));
        assertThat(out).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    }

    @Test
    void centerCropKeepsTheMiddle() {
        float[] src = {1, 2, 3, 4, 5, 6, 7, 8};   // 2 rows x 4 cols
        float[] out = ImageFit.fit(src, 2, 4, 1, new InputGeometry(2, 2, 1),
                new DatasetSpec.Fit(DatasetSpec.Resize.CENTER_CROP, DatasetSpec.ColorMode.AUTO));
        assertThat(out).containsExactly(2, 3, 6, 7);
    }

    @Test
    void grayToRgbReplicatesAndRgbToGrayIsLuma() {
        float[] gray = {0.2f, 0.8f};
        assertThat(ImageFit.fit(gray, 1, 2, 1, new InputGeometry(1, 2, 3), STRETCH))
                .containsExactly(0.2f, 0.8f, 0.2f, 0.8f, 0.2f, 0.8f);
        float[] rgb = {1f, 0f, 0f, 1f, 0f, 0f};   // pixel 0 red, pixel 1 green (CHW)
        assertThat(ImageFit.fit(rgb, 1, 2, 3, new InputGeometry(1, 2, 1), STRETCH))
                .containsExactly(new float[] {0.299f, 0.587f}, offset(1e-6f));
        // color: grayscale feeds a 3-channel model the luma in every channel
        float[] out = ImageFit.fit(rgb, 1, 2, 3, new InputGeometry(1, 2, 3),
                new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.GRAYSCALE));
        assertThat(out).containsExactly(new float[] {0.299f, 0.587f, 0.299f, 0.587f, 0.299f, 0.587f}, offset(1e-6f));
        assertThatThrownBy(() -> ImageFit.fit(gray, 1, 2, 1, new InputGeometry(1, 2, 1),
                new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.RGB)))
                .isInstanceOf(DatasetException.class).hasMessageContaining("input.color 'rgb'");
    }

    @Test
    void grayPngDecodesToExactSampleValuesWithoutGamma() throws Exception {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 0);
        img.getRaster().setSample(1, 0, 0, 128);
        img.getRaster().setSample(2, 0, 0, 255);
        ImageDecode.Pixels p = ImageDecode.decode(png(img));
        assertThat(p.channels()).isEqualTo(1);
        assertThat(p.chw()).containsExactly(0f, 128 / 255f, 1f);
    }

    @Test
    void headerBeyondTheLimitIsRejectedBeforeDecoding(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path f = dir.resolve("bomb.png");
        TestData.oversizePngHeader(f, 50000, 50000);
        assertThatThrownBy(() -> ImageDecode.decode(java.nio.file.Files.readAllBytes(f)))
                .isInstanceOf(ImageDecode.BadImage.class)
                .hasMessageContaining("50000x50000").hasMessageContaining("8192x8192");
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}

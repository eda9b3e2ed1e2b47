package io.transferadvisor.dataset;

/** Height, width and channels of the tensors a model takes (CHW order in memory). */
public record InputGeometry(int height, int width, int channels) implements java.io.Serializable {
    public InputGeometry {
        if (height < 1 || height > 4096 || width < 1 || width > 4096) {
            throw new IllegalArgumentException("input geometry " + height + "x" + width + " out of range; allowed 1..4096");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("input channels " + channels + " not supported; allowed 1 or 3");
        }
    }

    public int pixels() {
        return height * width * channels;
    }

    /** The shape of one image without the batch dimension: {channels, height, width}. */
    public long[] chw() {
        return new long[] {channels, height, width};
    }

    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }
}

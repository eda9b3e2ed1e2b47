package io.transferadvisor.plan;

/** Training-time augmentation of the labelled images. */
public record Augmentation(boolean horizontalFlip, int maxShiftPixels, double cropFraction) {
    public static final Augmentation NONE = new Augmentation(false, 0, 0.0);

    public Augmentation {
        if (maxShiftPixels < 0 || maxShiftPixels > 16) {
            throw new PlanException("augmentation.maxShiftPixels " + maxShiftPixels + " out of range; allowed 0..16");
        }
        if (!(cropFraction >= 0.0 && cropFraction <= 0.5)) {
            throw new PlanException("augmentation.cropFraction " + cropFraction + " out of range; allowed 0.0..0.5");
        }
    }

    public boolean enabled() {
        return horizontalFlip || maxShiftPixels > 0 || cropFraction > 0;
    }
}

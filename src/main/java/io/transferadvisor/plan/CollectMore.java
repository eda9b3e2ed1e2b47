package io.transferadvisor.plan;

/**
 * "Collect more data", with a number attached: how many more labels per class, and what the
 * fitted learning curve predicts they buy (percentage points of accuracy, with an interval).
 */
public record CollectMore(int extraPerClass, double expectedGainPoints, double gainLow, double gainHigh, String basis) {
    public CollectMore {
        if (extraPerClass < 1) {
            throw new PlanException("collectMore.extraPerClass " + extraPerClass + " must be >= 1");
        }
    }
}

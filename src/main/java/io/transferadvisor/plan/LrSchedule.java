package io.transferadvisor.plan;

import java.util.Locale;

/**
 * How the learning rates change from epoch to epoch, as a multiplier of the plan's head and
 * backbone rates (which stay the base). A plan without one trains at constant rates.
 *
 * <ul>
 *   <li>{@code WARMUP}: the multiplier climbs linearly to {@code peak} over the first {@code epochs}
 *       epochs ({@code peak * (e + 1) / (epochs + 1)} in epoch {@code e}, counted from 0) and stays there.</li>
 *   <li>{@code ONE_CYCLE}: a cycle of {@code epochs} epochs: the multiplier climbs linearly from
 *       {@code peak / 10} to {@code peak} over the first 30% of the cycle, then falls along a cosine to
 *       {@code peak / 100} in its last epoch, and stays there if training goes on.</li>
 * </ul>
 *
 * @param kind   WARMUP or ONE_CYCLE
 * @param epochs length of the warm-up or of the cycle, in epochs
 * @param peak   the highest multiplier of the plan's rates
 */
public record LrSchedule(Kind kind, int epochs, double peak) {
    public enum Kind { WARMUP, ONE_CYCLE }

    public LrSchedule {
        if (kind == null) {
            throw new PlanException("learningRateSchedule.kind missing; allowed WARMUP, ONE_CYCLE (or no learningRateSchedule for constant rates)");
        }
        int min = kind == Kind.ONE_CYCLE ? 3 : 1; // a cycle of 2 would never reach its peak
        if (epochs < min || epochs > 10_000) {
            throw new PlanException("learningRateSchedule.epochs " + epochs + " out of range for " + kind + "; allowed " + min + "..10000");
        }
        if (!(peak > 0 && peak <= 10)) {
            throw new PlanException("learningRateSchedule.peak " + peak + " out of range; allowed (0, 10] (a multiplier of the plan's rates)");
        }
    }

    /** The multiplier of the plan's rates in epoch {@code e} (counted from 0). */
    public double factor(int e) {
        if (e < 0) {
            throw new IllegalArgumentException("epoch " + e);
        }
        if (kind == Kind.WARMUP) {
            return e >= epochs ? peak : peak * (e + 1) / (epochs + 1);
        }
        int up = Math.max(1, (int) Math.round(0.3 * epochs));
        double low = peak / 10;
        double end = peak / 100;
        if (e < up) {
            return low + (peak - low) * e / up;
        }
        if (e >= epochs - 1) {
            return end;
        }
        double t = (double) (e - up) / (epochs - 1 - up);
        return end + (peak - end) * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    /** {@link #describe()} of a schedule, or "constant" for none. */
    public static String describe(LrSchedule s) {
        return s == null ? "constant" : s.describe();
    }

    /** A few words for plans, reports and explanations. */
    public String describe() {
        return kind == Kind.WARMUP
                ? String.format(Locale.ROOT, "warm-up to x%s over %d epochs", num(peak), epochs)
                : String.format(Locale.ROOT, "one cycle of %d epochs, x%s up to x%s, down to x%s", epochs, num(peak / 10), num(peak),
                        num(peak / 100));
    }

    private static String num(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }
}

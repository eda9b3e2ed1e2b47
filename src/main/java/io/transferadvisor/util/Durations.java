package io.transferadvisor.util;

import java.util.Locale;

/** Durations as progress lines print them: "45s", "3m07s", "1h02m". */
public final class Durations {
    private Durations() {}

    public static String compact(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}

package io.transferadvisor.util;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?" for near-miss keys, enum values and model names: the closest candidate within edit distance 2. */
public final class Suggest {
    private Suggest() {}

    public static final int MAX_DISTANCE = 2;

    /** The candidate nearest to {@code wrong} (case-insensitive), if it is within {@link #MAX_DISTANCE} edits. */
    public static Optional<String> closest(String wrong, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(wrong.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= MAX_DISTANCE && best != null && !best.equals(wrong) ? Optional.of(best) : Optional.empty();
    }

    /** "; did you mean 'x'?" or "". */
    public static String didYouMean(String wrong, Collection<String> candidates) {
        return closest(wrong, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    /** Levenshtein distance (insert, delete, substitute each cost 1). */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

package io.transferadvisor.util;

import java.util.Random;

/**
 * The one seeded Fisher-Yates shuffle of index arrays. It draws exactly as
 * {@link java.util.Collections#shuffle(java.util.List, Random)} does (nextInt(i + 1) for i from the
 * end down to 1), so every order the tool ever produced stays the same: pretraining stays
 * bit-for-bit reproducible and a resumed run replays its epochs exactly.
 */
public final class Shuffle {
    private Shuffle() {}

    /** Shuffles a in place. */
    public static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** 0..n-1 in a seeded random order. */
    public static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, rnd);
        return p;
    }
}

package io.transferadvisor.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one shuffle draws exactly as the JDK's Collections.shuffle, so orders made before it existed are unchanged. */
class ShuffleTest {
    @Test
    void permutationsMatchCollectionsShuffleForTheSameSeed() {
        for (int n : new int[] {0, 1, 2, 7, 100, 4500}) {
            for (long seed : new long[] {1, 42, 43, 123456789L}) {
                List<Integer> ref = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ref.add(i);
                }
                Collections.shuffle(ref, new Random(seed));
                int[] p = Shuffle.permutation(n, new Random(seed));
                assertThat(p).as("n=%d seed=%d", n, seed).containsExactly(ref.stream().mapToInt(Integer::intValue).toArray());
            }
        }
    }

    @Test
    void shufflingInPlaceKeepsTheElementsAndFollowsTheSeed() {
        int[] a = {5, 6, 7, 8, 9, 10, 11};
        int[] b = a.clone();
        Shuffle.shuffle(a, new Random(3));
        Shuffle.shuffle(b, new Random(3));
        assertThat(a).isEqualTo(b).containsExactlyInAnyOrder(5, 6, 7, 8, 9, 10, 11).isNotEqualTo(new int[] {5, 6, 7, 8, 9, 10, 11});
    }
}

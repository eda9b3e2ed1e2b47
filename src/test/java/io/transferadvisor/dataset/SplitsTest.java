package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SplitsTest {
    @Property(tries = 300)
    void holdOutsPartitionEachClassReproducibly(
            @ForAll @Size(min = 2, max = 6) List<@IntRange(min = 2, max = 60) Integer> sizes,
            @ForAll @DoubleRange(min = 0, max = 0.45) double validation,
            @ForAll @DoubleRange(min = 0, max = 0.45) double test,
            @ForAll long seed) {
        Assume.that(sizes.stream().allMatch(n -> Splits.fits(n, validation, test)));
        List<int[]> byClass = new ArrayList<>();
        int next = 0;
        int[] classOf = new int[sizes.stream().mapToInt(Integer::intValue).sum()];
        for (int c = 0; c < sizes.size(); c++) {
            int[] m = new int[sizes.get(c)];
            for (int i = 0; i < m.length; i++) {
                classOf[next] = c;
                m[i] = next++;
            }
            byClass.add(m);
        }
        Splits.Result r = Splits.stratified(byClass, validation, test, new Random(seed));
        // a partition of all members
        int[] all = concat(r.train(), r.validation(), r.test());
        Arrays.sort(all);
        assertThat(all).isEqualTo(java.util.stream.IntStream.range(0, next).toArray());
        // stratified: each class contributes exactly its hold-out counts, and keeps >= 1 to train
        for (int c = 0; c < sizes.size(); c++) {
            int n = sizes.get(c);
            assertThat(count(r.validation(), classOf, c)).isEqualTo(Splits.holdOut(n, validation));
            assertThat(count(r.test(), classOf, c)).isEqualTo(Splits.holdOut(n, test));
            assertThat(count(r.train(), classOf, c)).isGreaterThanOrEqualTo(1);
        }
        // same seed, same split
        Splits.Result again = Splits.stratified(byClass, validation, test, new Random(seed));
        assertThat(again.validation()).isEqualTo(r.validation());
        assertThat(again.test()).isEqualTo(r.test());
    }

    private static int count(int[] idx, int[] classOf, int c) {
        return (int) Arrays.stream(idx).filter(i -> classOf[i] == c).count();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}

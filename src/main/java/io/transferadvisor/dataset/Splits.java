package io.transferadvisor.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Stratified, seeded hold-outs: the same members, fractions and seed always give the same split. */
final class Splits {
    private Splits() {}

    /** Index arrays (each sorted ascending) into the pool the members came from. */
    record Result(int[] train, int[] validation, int[] test) {}

    /** Images of a class of size n held out for a fraction: round(n * f), at least 1 when f > 0. */
    static int holdOut(int n, double fraction) {
        return fraction > 0 ? Math.max(1, (int) Math.round(n * fraction)) : 0;
    }

    /** Whether a class of n images keeps at least one training image after both hold-outs. */
    static boolean fits(int n, double validation, double test) {
        return n - holdOut(n, validation) - holdOut(n, test) >= 1;
    }

    /**
     * Per class: shuffle its members with rnd, take the first holdOut(n, validation) for
     * validation, the next holdOut(n, test) for test, the rest for train. Classes are visited in
     * order, so one Random gives a reproducible split.
     */
    static Result stratified(List<int[]> byClass, double validation, double test, Random rnd) {
        List<Integer> tr = new ArrayList<>();
        List<Integer> va = new ArrayList<>();
        List<Integer> te = new ArrayList<>();
        for (int c = 0; c < byClass.size(); c++) {
            int[] members = byClass.get(c).clone();
            int n = members.length;
            if (!fits(n, validation, test)) {
                throw new IllegalArgumentException("class " + c + " has " + n + " members: too few for the hold-outs");
            }
            io.transferadvisor.util.Shuffle.shuffle(members, rnd);
            int nVal = holdOut(n, validation);
            int nTest = holdOut(n, test);
            for (int i = 0; i < n; i++) {
                (i < nVal ? va : i < nVal + nTest ? te : tr).add(members[i]);
            }
        }
        return new Result(DatasetLoader.sorted(tr), DatasetLoader.sorted(va), DatasetLoader.sorted(te));
    }
}

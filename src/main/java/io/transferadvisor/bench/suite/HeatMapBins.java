package io.transferadvisor.bench.suite;

import java.util.List;

/** The size x similarity grid the report's calibration table and heat map share. */
public final class HeatMapBins {
    /** Upper edges (exclusive) of the size bins, images per class, and their labels. */
    static final int[] SIZE_EDGES = {7, 15, 35, 120, 500, Integer.MAX_VALUE};
    static final List<String> SIZE_LABELS = List.of("3-6", "10", "20", "50", "200", "1000+");
    /** Upper edges (exclusive) of the similarity bins. */
    static final double[] SIM_EDGES = {0.5, 0.6, 0.7, 0.8, 0.9, Double.POSITIVE_INFINITY};
    static final List<String> SIM_LABELS = List.of("<0.5", "0.5-0.6", "0.6-0.7", "0.7-0.8", "0.8-0.9", ">=0.9");

    private HeatMapBins() {}

    static int sizeBin(int perClass) {
        for (int i = 0; i < SIZE_EDGES.length; i++) {
            if (perClass < SIZE_EDGES[i]) {
                return i;
            }
        }
        return SIZE_EDGES.length - 1;
    }

    static int simBin(double s) {
        for (int i = 0; i < SIM_EDGES.length; i++) {
            if (s < SIM_EDGES[i]) {
                return i;
            }
        }
        return SIM_EDGES.length - 1;
    }

    /** "N. size|M. similarity": sorts by size then similarity. */
    static String cell(int perClass, double similarity) {
        int a = sizeBin(perClass);
        int b = simBin(similarity);
        return (a + 1) + ". " + SIZE_LABELS.get(a) + "|" + (b + 1) + ". " + SIM_LABELS.get(b);
    }
}

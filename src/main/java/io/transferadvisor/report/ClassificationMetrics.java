package io.transferadvisor.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of predictions.
 *
 * @param images    evaluated images
 * @param accuracy  fraction correct
 * @param macroF1   unweighted mean of the per-class F1 scores
 * @param perClass  per class, like classNames
 * @param confusion confusion[true][predicted] counts
 * @param misclassified the most confident mistakes (at most {@link #MAX_MISSES}), for the report's image grid
 */
public record ClassificationMetrics(int images, double accuracy, double macroF1, List<PerClass> perClass, int[][] confusion,
                                    List<Miss> misclassified) {
    public static final int MAX_MISSES = 40;

    public ClassificationMetrics {
        perClass = List.copyOf(perClass);
        misclassified = misclassified == null ? List.of() : List.copyOf(misclassified);
    }

    /**
     * One wrong prediction.
     *
     * @param index      image index in the split (the order of the data set)
     * @param truth      true class index
     * @param predicted  predicted class index
     * @param confidence probability of the predicted class (softmax of the scores for an SVM head)
     */
    public record Miss(int index, int truth, int predicted, double confidence) {}

    /** One class; precision is 0 when the class is never predicted, recall 0 when it has no images. */
    public record PerClass(String name, int support, double precision, double recall, double f1) {}

    /**
     * @param truth      true class per image
     * @param scores     per image the class scores (probabilities or SVM scores), [n][k]
     * @param classNames names, k of them
     */
    public static ClassificationMetrics of(int[] truth, float[][] scores, List<String> classNames) {
        int[] predicted = new int[truth.length];
        List<Miss> misses = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            predicted[i] = argMax(scores[i]);
            if (predicted[i] != truth[i]) {
                misses.add(new Miss(i, truth[i], predicted[i], io.transferadvisor.util.Probabilities.of(scores[i])[predicted[i]]));
            }
        }
        misses.sort(java.util.Comparator.comparingDouble((Miss m) -> -m.confidence()).thenComparingInt(Miss::index));
        ClassificationMetrics m = ofPredictions(truth, predicted, classNames);
        return new ClassificationMetrics(m.images(), m.accuracy(), m.macroF1(), m.perClass(), m.confusion(),
                misses.subList(0, Math.min(MAX_MISSES, misses.size())));
    }

    public static ClassificationMetrics ofPredictions(int[] truth, int[] predicted, List<String> classNames) {
        int k = classNames.size();
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " labels but " + predicted.length + " predictions");
        }
        int[][] cm = new int[k][k];
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            cm[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) {
                correct++;
            }
        }
        List<PerClass> per = new ArrayList<>();
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            int tp = cm[c][c];
            int support = 0;
            int predictedC = 0;
            for (int j = 0; j < k; j++) {
                support += cm[c][j];
                predictedC += cm[j][c];
            }
            double p = predictedC == 0 ? 0 : (double) tp / predictedC;
            double r = support == 0 ? 0 : (double) tp / support;
            double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
            f1Sum += f1;
            per.add(new PerClass(classNames.get(c), support, p, r, f1));
        }
        return new ClassificationMetrics(truth.length, truth.length == 0 ? 0 : (double) correct / truth.length,
                k == 0 ? 0 : f1Sum / k, per, cm, List.of());
    }

    public static int argMax(float[] v) {
        int a = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[a]) {
                a = i;
            }
        }
        return a;
    }
}

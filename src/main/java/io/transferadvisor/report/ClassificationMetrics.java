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
 */
public record ClassificationMetrics(int images, double accuracy, double macroF1, List<PerClass> perClass, int[][] confusion) {
    public ClassificationMetrics {
        perClass = List.copyOf(perClass);
    }

    /** One class; precision is 0 when the class is never predicted, recall 0 when it has no images. */
    public record PerClass(String name, int support, double precision, double recall, double f1) {}

    /**
     * @param truth      true class per image
     * @param scores     per image the class scores (probabilities or SVM scores), [n][k]
     * @param classNames names, k of them
     */
    public static ClassificationMetrics of(int[] truth, float[][] scores, List<String> classNames) {
        int[] predicted = new int[truth.length];
        for (int i = 0; i < truth.length; i++) {
            predicted[i] = argMax(scores[i]);
        }
        return ofPredictions(truth, predicted, classNames);
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
                k == 0 ? 0 : f1Sum / k, per, cm);
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

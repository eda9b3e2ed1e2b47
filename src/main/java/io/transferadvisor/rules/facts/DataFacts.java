package io.transferadvisor.rules.facts;

/**
 * Observed tier: the size of the labelled data, relative to the classes and to the model's
 * capacity. Built from a DatasetProfile by FactsBuilder; the rules read it, never change it.
 *
 * @param model               the pretrained model the profile was measured against
 * @param images              labelled images (all splits)
 * @param trainImages         labelled images available for training
 * @param classes             number of target classes
 * @param minPerClass         smallest class
 * @param trainPerClass       trainImages / classes
 * @param imbalance           largest / smallest class
 * @param trainableParameters parameters of the pretrained model
 * @param imagesPer1kParams   trainImages per 1,000 trainable parameters
 * @param geometryMatches     every image already has the input geometry the network sees
 * @param geometryFound       geometry found, e.g. "32x32x3"
 * @param modelInput          the input the network sees, e.g. "28x28x1" (dataset.yaml's input: when given, else the model's)
 * @param unlabelledImages    unlabelled images available (0 if none)
 */
public record DataFacts(String model, int images, int trainImages, int classes, int minPerClass,
                        double trainPerClass, double imbalance, long trainableParameters,
                        double imagesPer1kParams, boolean geometryMatches, String geometryFound,
                        String modelInput, int unlabelledImages) {
    public DataFacts {
        if (classes < 1) {
            throw new IllegalArgumentException("classes " + classes + " must be >= 1");
        }
        if (trainImages < 0 || images < trainImages) {
            throw new IllegalArgumentException("trainImages " + trainImages + " must be in 0.." + images);
        }
    }
}

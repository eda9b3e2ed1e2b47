package io.transferadvisor.rules.facts;

/**
 * Observed tier: how close the target domain is to the source domain.
 *
 * @param similarity         overall similarity in [0, 1] measured by the probe
 * @param topLayer           the candidate cut nearest the output
 * @param topLayerSimilarity similarity at that layer (shift grows with depth on a new domain)
 * @param labelOverlap       in [0, 1]: how much target classes map one-to-one onto source classes
 * @param meanMaxSoftmax     mean maximum probability of the source classifier on target images
 * @param layerCount         number of candidate cut layers
 */
public record DomainFacts(double similarity, String topLayer, double topLayerSimilarity, double labelOverlap,
                          double meanMaxSoftmax, int layerCount) {}

package io.transferadvisor.rules.facts;

/**
 * Derived tier: a layer whose probe accuracy is within the best layer's confidence interval.
 *
 * @param similarity the layer's similarity to the source (1 = no shift), carried so the cutoff
 *                   rules can prefer a less-shifted layer among equally accurate ones
 */
public record CompetitiveLayer(String layer, int index, boolean top, double accuracy, double similarity) {}

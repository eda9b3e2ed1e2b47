package io.transferadvisor.rules.facts;

/** Derived tier: a layer whose probe accuracy is within the best layer's confidence interval. */
public record CompetitiveLayer(String layer, int index, boolean top, double accuracy) {}

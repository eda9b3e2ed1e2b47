package io.transferadvisor.rules.facts;

/** Derived tier: the candidate layer with the highest linear-probe accuracy (ties: the later one). */
public record BestLayer(String layer, int index, double accuracy, double accuracyLow) {}

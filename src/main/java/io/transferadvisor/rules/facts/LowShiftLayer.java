package io.transferadvisor.rules.facts;

/** Derived tier: a layer whose activations are still close to the source's (low shift). */
public record LowShiftLayer(String layer, int index, boolean top, double similarity) {}

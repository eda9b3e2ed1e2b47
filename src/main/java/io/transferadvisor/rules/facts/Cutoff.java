package io.transferadvisor.rules.facts;

/** Decision tier: the cutoff layer (model's own name, from the LayerFacts), with why. */
public record Cutoff(String layer, int index, String basis) {}

package io.transferadvisor.rules.facts;

/** Decision tier: L2 weight decay. */
public record WeightDecay(double value) {}

package io.transferadvisor.rules.facts;

/** Decision tier: epoch cap and early-stopping patience. */
public record Schedule(int maxEpochs, int patience) {}

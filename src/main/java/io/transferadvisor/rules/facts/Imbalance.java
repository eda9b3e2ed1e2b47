package io.transferadvisor.rules.facts;

/** Derived tier: the classes are imbalanced enough to weigh the loss. */
public record Imbalance(double ratio) {}

package io.transferadvisor.rules.facts;

/** Decision tier: Adam learning rates of the new head and of the reused backbone (0 = frozen). */
public record LearningRates(double head, double backbone) {}

package io.transferadvisor.rules.facts;

/**
 * Derived tier: the target labels are mostly new to the source classifier (label overlap below
 * 0.5), so the source's class-specific features separate the target classes only indirectly.
 *
 * @param overlap the measured label overlap in [0, 1)
 */
public record NewLabels(double overlap) {}

package io.transferadvisor.rules.facts;

/**
 * Decision tier: the target domain reads as the model's own (overall similarity at or above
 * similarity.familiar) on TINY or SMALL data, so guards.drl familiar-domain trains one plan,
 * fine-tuning above the cut just below the top, instead of the ENSEMBLE of the model's plans.
 *
 * @param similarity the overall similarity the probe measured
 * @param threshold  similarity.familiar
 */
public record FamiliarDomain(double similarity, double threshold) {}

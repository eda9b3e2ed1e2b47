package io.transferadvisor.rules.facts;

/**
 * Decision tier of the model-selection stage: ensemble the competitive models.
 *
 * @param bestScore the best model's probe accuracy
 * @param maxGap    ensemble.maxProbeGap: how many points below it a member may be
 */
public record EnsembleChoice(double bestScore, double maxGap) {}

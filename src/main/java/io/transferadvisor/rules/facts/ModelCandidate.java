package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.Strategy;

/**
 * Observed tier of the model-selection stage: one pretrained model with the plan the rules chose for
 * it and its best probe score.
 *
 * @param rank       0 = highest score
 * @param similarity the model's overall source-domain similarity on the target (its profile's)
 * @param logme      the model's highest LogME per sample over its candidate layers; NaN when the profile has none
 * @param confidence the model's source classifier's mean maximum probability on the target; NaN when the profile has none
 */
public record ModelCandidate(String model, Strategy strategy, double score, double low, double high, int rank, double similarity, double logme, double confidence) {}

package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.Strategy;

/**
 * Observed tier: one measured plan trial from the profile (pipeline/PlanTrials): a candidate plan
 * trained on part of the labelled training images and scored on the rest.
 *
 * @param strategy  the candidate's strategy
 * @param layer     its cut layer (the model's own name, never written into a rule)
 * @param index     the cut's index among the candidate layers (0 = nearest the input)
 * @param grow      new blocks grown above the cut
 * @param accuracy  pooled held-out accuracy over the folds
 * @param low       lower end of its 95% interval
 * @param high      upper end of its 95% interval
 * @param images    images scored
 */
public record TrialScore(Strategy strategy, String layer, int index, int grow, double accuracy, double low, double high, int images) {}

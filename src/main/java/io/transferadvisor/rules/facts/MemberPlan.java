package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;

/**
 * Decision tier: another plan of the same model to train beside the chosen one and average with it
 * (an ENSEMBLE of one model's plans). The recommender assembles each member by evaluating the rules
 * again with a {@link MemberRequest} for it, so its cut and hyperparameters come from the rules as
 * for a plan of its own.
 *
 * @param strategy   the member's strategy
 * @param head       its head
 * @param growBlocks new blocks grown above its cut
 * @param cutIndex   its cut's index among the candidate layers (0 = nearest the input), -1 for a strategy without a cut
 */
public record MemberPlan(Strategy strategy, HeadType head, int growBlocks, int cutIndex) {}

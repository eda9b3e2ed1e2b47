package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;

/**
 * Request tier: inserted by the recommender (never by a rule) when it assembles an ensemble member
 * that a {@link MemberPlan} asked for: the rules then propose this strategy and cut, and set the
 * member's hyperparameters as for a plan of its own.
 */
public record MemberRequest(Strategy strategy, HeadType head, int growBlocks, int cutIndex) {}

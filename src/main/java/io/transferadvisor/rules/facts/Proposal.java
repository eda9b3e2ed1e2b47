package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;

/**
 * Decision tier: a strategy put forward by the matrix (priority 1) or by a guard (priority 2);
 * the highest priority wins, the others are rejected.
 */
public record Proposal(Strategy strategy, HeadType head, int growBlocks, int priority) {}

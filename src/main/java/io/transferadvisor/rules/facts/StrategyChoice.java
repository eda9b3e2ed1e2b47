package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;

/** Decision tier: the chosen strategy (exactly one per profile; rules check verifies it). */
public record StrategyChoice(Strategy strategy, HeadType head, int growBlocks) {}

package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.Strategy;

/** Decision tier: a strategy not taken, with the reason (the rule that inserted it is recorded by the audit). */
public record Rejected(Strategy strategy, String reason) {}

package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.Strategy;

/** One strategy the advisor knows; inserted for every Strategy so each can be explicitly rejected. */
public record Alternative(Strategy strategy) {}

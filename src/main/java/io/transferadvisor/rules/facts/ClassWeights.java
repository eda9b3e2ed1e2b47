package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.ClassWeighting;

/** Decision tier: how the loss weighs classes. */
public record ClassWeights(ClassWeighting weighting) {}

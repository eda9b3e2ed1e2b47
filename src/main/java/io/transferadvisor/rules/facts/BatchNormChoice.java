package io.transferadvisor.rules.facts;

import io.transferadvisor.plan.BatchNormPolicy;

/** Decision tier: what happens to the backbone's batch-norm layers. */
public record BatchNormChoice(BatchNormPolicy policy) {}

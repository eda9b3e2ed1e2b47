package io.transferadvisor.rules.facts;

/** Decision tier of the model-selection stage: use this single model. */
public record ModelPick(String model) {}

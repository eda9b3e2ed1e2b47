package io.transferadvisor.rules.facts;

/** Decision tier of the model-selection stage: a model not used, and why. */
public record RejectedModel(String model, String reason) {}

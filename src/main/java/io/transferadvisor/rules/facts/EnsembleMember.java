package io.transferadvisor.rules.facts;

/** Decision tier of the model-selection stage: a model taking part in the ensemble. */
public record EnsembleMember(String model, double score) {}

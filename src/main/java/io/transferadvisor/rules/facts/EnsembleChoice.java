package io.transferadvisor.rules.facts;

/** Decision tier of the model-selection stage: ensemble the competitive models. */
public record EnsembleChoice(double bestLow) {}

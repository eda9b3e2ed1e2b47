package io.transferadvisor.rules.facts;

/**
 * Derived tier of the model-selection stage: the model whose overall similarity is the highest of the candidates (a tie to
 * the better probe rank), the model models.drl takes unless a close call gives way to the runner-up.
 */
public record SimilarityLeader(String model) {}

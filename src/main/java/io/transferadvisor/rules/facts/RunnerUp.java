package io.transferadvisor.rules.facts;

/**
 * Derived tier of the model-selection stage: of the candidates other than {@code of}, the one whose overall similarity is the
 * highest (a tie to the better probe rank): the model a close call with {@code of} is measured against.
 */
public record RunnerUp(String of, String model) {}

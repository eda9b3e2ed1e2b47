package io.transferadvisor.rules.facts;

/**
 * Observed tier: what the user asked for.
 *
 * @param models        number of pretrained models given (several allow an ensemble)
 * @param budgetMinutes wall-clock budget of the execution
 */
public record Preferences(int models, double budgetMinutes) {}

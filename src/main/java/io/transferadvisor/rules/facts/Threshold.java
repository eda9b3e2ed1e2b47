package io.transferadvisor.rules.facts;

/**
 * A named threshold from rules/thresholds.csv, inserted into every session before the observed
 * facts: rules compare against {@code Threshold(name == "...", $t: value)} instead of a literal, so
 * each number is written once, and counterfactuals, explanations and tests read the same table.
 */
public record Threshold(String name, double value) {}

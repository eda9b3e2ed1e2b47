package io.transferadvisor.rules.facts;

/**
 * Derived tier: the least-shifted competitive layer and the similarity floor below it; a
 * competitive layer under the floor has shifted far from the source compared with an equally
 * accurate layer.
 *
 * @param referenceLayer      the competitive layer with the highest similarity (ties: the later one)
 * @param referenceSimilarity its similarity to the source
 * @param floor               referenceSimilarity minus the margin set in derive.drl
 */
public record ShiftFloor(String referenceLayer, double referenceSimilarity, double floor) {}

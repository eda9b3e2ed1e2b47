package io.transferadvisor.rules.facts;

/** Derived tier: the domain's similarity class, with the numbers it was derived from. */
public record SimilarityClass(SimilarityLevel level, double similarity, double topLayerSimilarity) {}

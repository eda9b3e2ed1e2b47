package io.transferadvisor.rules.facts;

/** Derived similarity class of the target domain to the source domain. */
public enum SimilarityLevel { HIGH, MEDIUM, LOW }

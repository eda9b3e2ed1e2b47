package io.transferadvisor.rules.facts;

/** Derived tier: the data's size class, with the numbers it was derived from. */
public record SizeClass(SizeLevel level, double trainPerClass, double imagesPer1kParams) {}

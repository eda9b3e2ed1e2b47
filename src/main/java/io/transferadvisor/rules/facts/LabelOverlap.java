package io.transferadvisor.rules.facts;

/** Derived tier: target labels largely coincide with source labels (domain adaptation, not new labels). */
public record LabelOverlap(double overlap) {}

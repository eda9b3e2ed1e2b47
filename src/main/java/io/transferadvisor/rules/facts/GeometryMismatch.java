package io.transferadvisor.rules.facts;

/** Derived tier: images do not have the model's input geometry and will be fitted to it. */
public record GeometryMismatch(String found, String expected) {}

package io.transferadvisor.rules.facts;

/**
 * Derived tier: a competitive layer whose similarity is below the ShiftFloor: as accurate as the
 * best within the interval, but shifted far more than the least-shifted competitive layer.
 */
public record FarShiftedLayer(String layer, int index, double similarity, String referenceLayer, double floor) {}

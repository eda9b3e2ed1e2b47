package io.transferadvisor.rules.facts;

/** Decision tier: training-time augmentation (see plan.Augmentation). */
public record AugmentationChoice(boolean horizontalFlip, int maxShiftPixels, double cropFraction) {}

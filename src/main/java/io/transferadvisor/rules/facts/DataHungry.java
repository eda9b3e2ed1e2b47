package io.transferadvisor.rules.facts;

/**
 * Derived tier: the learning curve is still rising; more labels would pay.
 *
 * @param extraPerClass labels per class to add to double the data
 * @param gain2xPoints  predicted gain in points with twice the data
 * @param gain4xPoints  predicted gain with four times the data
 */
public record DataHungry(int extraPerClass, double gain2xPoints, double gain4xPoints) {}

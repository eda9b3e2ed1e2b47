package io.transferadvisor.rules.facts;

/**
 * Observed tier: the fitted learning curve of the linear probe.
 *
 * @param currentPerClass training images per class now
 * @param current         probe accuracy with all the data
 * @param at2x            predicted accuracy with twice the data
 * @param at2xLow         lower end of that prediction's interval
 * @param at2xHigh        upper end
 * @param at4x            predicted accuracy with four times the data
 * @param gain2xPoints    (at2x - current) in percentage points
 * @param gain4xPoints    (at4x - current) in percentage points
 */
public record SufficiencyFacts(double currentPerClass, double current, double at2x, double at2xLow, double at2xHigh,
                               double at4x, double gain2xPoints, double gain4xPoints) {}

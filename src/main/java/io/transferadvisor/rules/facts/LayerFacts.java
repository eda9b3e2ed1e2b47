package io.transferadvisor.rules.facts;

/**
 * Observed tier: one candidate cut layer, with the probe's measurements.
 *
 * @param layer         the model's own layer name (never written into a rule)
 * @param index         0 = nearest the input
 * @param top           whether this is the candidate nearest the output
 * @param relativeDepth index / (candidates - 1)
 * @param shift         distance of the target's activation statistics from the source's
 * @param similarity    the shift mapped into [0, 1] (1 = no shift)
 * @param accuracy      cross-validated linear-probe accuracy of frozen features cut here
 * @param accuracyLow   lower end of its 95% interval
 * @param accuracyHigh  upper end of its 95% interval
 * @param logme         LogME per sample
 */
public record LayerFacts(String layer, int index, boolean top, double relativeDepth, double shift, double similarity,
                         double accuracy, double accuracyLow, double accuracyHigh, double logme) {}

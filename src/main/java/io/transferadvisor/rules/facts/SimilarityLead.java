package io.transferadvisor.rules.facts;

/**
 * Decision tier of the model-selection stage: the models are within ensemble.maxProbeGap of each
 * other's probe accuracy, and one reads the target's domain as closer to its source than every other
 * such model by at least models.similarityLead; it is taken alone.
 *
 * @param model      the model taken
 * @param similarity its overall similarity
 * @param lead       models.similarityLead
 */
public record SimilarityLead(String model, double similarity, double lead) {}

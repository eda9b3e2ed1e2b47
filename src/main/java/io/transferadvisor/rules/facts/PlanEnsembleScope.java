package io.transferadvisor.rules.facts;

/**
 * Decision tier: the model and data are where the suite measured ENSEMBLEs of one model's plans
 * (below LARGE data, at most ensemble.maxParameters, three or more candidate cuts, not a member's
 * own evaluation, not the autoencoder guard's decision). guards.drl familiar-domain and
 * ensemble-plans both read it, so the scope is written once.
 *
 * @param top the top candidate cut's index
 */
public record PlanEnsembleScope(int top) {}

package io.transferadvisor.rules.facts;

/** Derived tier: enough unlabelled target images to self-pretrain an autoencoder on. */
public record UnlabelledPool(int images) {}

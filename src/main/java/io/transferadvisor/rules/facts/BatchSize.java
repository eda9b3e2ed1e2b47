package io.transferadvisor.rules.facts;

/** Decision tier: mini-batch size. */
public record BatchSize(int size) {}

package io.transferadvisor.rules.facts;

/** Decision tier: advice that does not change the plan (label overlap, geometry, ...). */
public record Note(String topic, String text) {}

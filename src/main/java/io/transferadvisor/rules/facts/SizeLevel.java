package io.transferadvisor.rules.facts;

/** Derived size class, relative to the number of classes and to the model's trainable parameters. */
public enum SizeLevel { TINY, SMALL, MEDIUM, LARGE }

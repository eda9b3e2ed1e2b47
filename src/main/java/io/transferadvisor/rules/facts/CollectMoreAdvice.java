package io.transferadvisor.rules.facts;

/** Decision tier: label more data, with what the learning curve predicts it buys. */
public record CollectMoreAdvice(int extraPerClass, double gainPoints, double gainLow, double gainHigh) {}

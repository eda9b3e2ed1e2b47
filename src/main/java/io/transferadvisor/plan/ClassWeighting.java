package io.transferadvisor.plan;

/** How the loss weighs classes. */
public enum ClassWeighting {
    NONE,
    /** weight_c = n / (k * n_c), normalised so the mean weight is 1. */
    INVERSE_FREQUENCY
}

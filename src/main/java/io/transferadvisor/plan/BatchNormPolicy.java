package io.transferadvisor.plan;

/** What happens to batch-normalisation layers in the reused backbone. */
public enum BatchNormPolicy {
    /** Keep the source running statistics and parameters (right when the domain is close). */
    FROZEN,
    /** Re-estimate running mean/variance on target data, keep gamma/beta (moderate shift). */
    RECALIBRATE,
    /** Train BN layers like any other layer (large shift, enough data). */
    TRAIN
}

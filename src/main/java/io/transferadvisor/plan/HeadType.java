package io.transferadvisor.plan;

/** The classifier put on top of the (frozen or fine-tuned) features. */
public enum HeadType {
    /** Softmax with multi-class cross-entropy. */
    SOFTMAX,
    /** Linear SVM: one-vs-rest squared hinge loss. */
    SVM
}

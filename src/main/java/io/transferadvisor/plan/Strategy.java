package io.transferadvisor.plan;

/** Every way the advisor knows to reuse a pretrained network. Plain enum: no framework imports. */
public enum Strategy {
    /** Softmax or linear SVM on frozen features of the top candidate layer. */
    LINEAR_FROZEN("linear classifier on frozen top features"),
    /** The same on an earlier layer's (more generic) features. */
    LINEAR_EARLIER("linear classifier on frozen earlier-layer features"),
    /** Keep the layers up to the cutoff frozen, add new trainable convolution block(s) and a head. */
    TRUNCATE_GROW("truncate at the cutoff and grow new trainable layers"),
    /** Freeze up to the cutoff, fine-tune above it with a smaller backbone learning rate. */
    FINETUNE_ABOVE("fine-tune above the cutoff layer"),
    /** Fine-tune every layer, backbone at a smaller rate than the head. */
    FINETUNE_ALL("fine-tune everything"),
    /** Same architecture, random initialisation. */
    FROM_SCRATCH("train from scratch"),
    /** Pretrain a convolutional autoencoder on unlabelled target images, transfer its encoder. */
    AUTOENCODER_TRANSFER("self-pretrain an autoencoder on unlabelled images and transfer its encoder"),
    /** Average the probabilities of one plan per pretrained model. */
    ENSEMBLE("ensemble of several pretrained models, or of one model's plans");

    private final String description;

    Strategy(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Strategies that must name a cutoff layer (AUTOENCODER_TRANSFER may: where its encoder ends). */
    public boolean needsCutoff() {
        return this == LINEAR_FROZEN || this == LINEAR_EARLIER || this == TRUNCATE_GROW || this == FINETUNE_ABOVE;
    }

    /** Strategies that never update the backbone: frozen features can be computed once. */
    public boolean frozenBackbone() {
        return this == LINEAR_FROZEN || this == LINEAR_EARLIER || this == TRUNCATE_GROW;
    }
}

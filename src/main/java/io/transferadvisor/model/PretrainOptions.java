package io.transferadvisor.model;

import java.nio.file.Path;

/**
 * Settings of `advisor pretrain`.
 *
 * @param model         which project model: fmnist-cnn or glyphs-cnn
 * @param epochs        passes over the training subset (1..100)
 * @param perClass      training images per source class: fmnist-cnn the first ones in file order (0 = all 6,000),
 *                      glyphs-cnn rendered ones (0 = 400)
 * @param seed          seed for weight init, shuffling and the statistics sample
 * @param batchSize     minibatch size (1..4096)
 * @param learningRate  Adam learning rate (0, 1)
 * @param statsSamples  training images used for the per-channel activation statistics (1..60,000)
 * @param dataDir       folder with the Fashion-MNIST IDX files (fmnist-cnn only)
 * @param outDir        where MODEL.zip and MODEL.json are written
 * @param force         overwrite existing files
 */
public record PretrainOptions(String model, int epochs, int perClass, long seed, int batchSize, double learningRate,
                              int statsSamples, Path dataDir, Path outDir, boolean force) {

    public static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");
    /** The models `advisor pretrain` can make. */
    public static final java.util.List<String> MODELS = java.util.List.of(FmnistCnn.NAME, GlyphsCnn.NAME);

    /** fmnist-cnn with these settings. */
    public PretrainOptions(int epochs, int perClass, long seed, int batchSize, double learningRate, int statsSamples, Path dataDir,
                           Path outDir, boolean force) {
        this(FmnistCnn.NAME, epochs, perClass, seed, batchSize, learningRate, statsSamples, dataDir, outDir, force);
    }

    public PretrainOptions {
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a project model; allowed " + String.join(", ", MODELS)
                    + io.transferadvisor.util.Suggest.didYouMean(String.valueOf(model), MODELS));
        }
        if (epochs < 1 || epochs > 100) {
            throw new IllegalArgumentException("epochs " + epochs + " out of range; allowed 1..100");
        }
        if (perClass < 0 || perClass > 6000) {
            throw new IllegalArgumentException("perClass " + perClass + " out of range; allowed 0 (all) ..6000");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batchSize " + batchSize + " out of range; allowed 1..4096");
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("learningRate " + learningRate + " out of range; allowed (0, 1)");
        }
        if (statsSamples < 1 || statsSamples > 60000) {
            throw new IllegalArgumentException("statsSamples " + statsSamples + " out of range; allowed 1..60000");
        }
        if (dataDir == null || outDir == null) {
            throw new IllegalArgumentException("dataDir and outDir are required");
        }
    }
}

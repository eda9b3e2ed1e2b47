package io.transferadvisor.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checked dataset.yaml (schema version 1), with every path resolved against the file's folder.
 * Built only by {@link SpecReader}, which enforces docs/dataset.schema.json.
 *
 * @param file        the dataset.yaml itself (absolute)
 * @param name        a short name for reports (defaults to the file name without extension)
 * @param train       the labelled training data
 * @param test        optional labelled test data; null means: split train
 * @param split       fractions held out of train when no test is given (and for validation)
 * @param unlabelled  optional unlabelled images (for autoencoder self-pretraining); null if none
 * @param models      pretrained model references; the first is the default, several allow ensembles
 * @param input       geometry images are fitted to; null means the model's own input geometry
 * @param fit         how images are fitted to the input geometry
 * @param seed        seed for every random choice
 * @param budget      time and epoch budget
 */
public record DatasetSpec(
        Path file,
        String name,
        Source train,
        Source test,
        Split split,
        Source unlabelled,
        List<ModelRef> models,
        InputGeometry input,
        Fit fit,
        long seed,
        Budget budget) {

    public DatasetSpec {
        models = List.copyOf(models);
    }

    /** The same dataset with these pretrained models (a benchmark profiles only the first one). */
    public DatasetSpec withModels(List<ModelRef> refs) {
        return new DatasetSpec(file, name, train, test, split, unlabelled, refs, input, fit, seed, budget);
    }

    /**
     * The geometry images are fitted to for a model of the given input: {@code input:} when the file gives
     * one, else the model's own. The probe and the executor both ask here, so the probe measures the
     * network the plan trains and caches the rows the run reads.
     */
    public InputGeometry inputFor(InputGeometry modelInput) {
        return input != null ? input : modelInput;
    }

    /** Where images come from. */
    public enum Format { FOLDER, IDX }

    /**
     * One set of images.
     *
     * @param format    FOLDER (one subfolder per class, or a flat folder for unlabelled) or IDX
     * @param path      the folder, or the IDX images file
     * @param labels    the IDX labels file (IDX only; null for unlabelled IDX)
     * @param classes   class filter: folder names or IDX label values as strings; empty = all
     * @param rename    original class name -> name used everywhere else
     * @param perClass  stratified subsample size per class (0 = all)
     * @param limit     at most this many images (0 = all); for unlabelled sets
     */
    public record Source(Format format, Path path, Path labels, List<String> classes,
                         Map<String, String> rename, int perClass, int limit) {
        public Source {
            classes = classes == null ? List.of() : List.copyOf(classes);
            rename = rename == null ? Map.of() : Map.copyOf(rename);
        }
    }

    /** Fractions of the labelled data held out, stratified and seeded. */
    public record Split(double test, double validation) {}

    /** How images of another size or channel count are fitted to the input geometry. */
    public record Fit(Resize resize, ColorMode color) implements java.io.Serializable {}

    public enum Resize { STRETCH, PAD, CENTER_CROP }

    /** AUTO converts grayscale to RGB (replicated) or RGB to grayscale (luma) as the model needs. */
    public enum ColorMode { AUTO, GRAYSCALE, RGB }

    /**
     * The model reference a name given on the command line ({@code --models}) means: the dataset.yaml
     * entry of that name (its name in any case, its file path, or the file's name, as a profile names a file
     * model), with its weights and preprocessing, else the bare name.
     */
    public ModelRef modelRef(String name) {
        for (ModelRef ref : models) {
            if (name.equals(ref.display()) || name.equalsIgnoreCase(ref.name())
                    || (ref.file() != null && ref.file().getFileName() != null && name.equals(ref.file().getFileName().toString()))) {
                return ref;
            }
        }
        return new ModelRef(name, null, null);
    }

    /**
     * A pretrained model: a project model or zoo name ("fmnist-cnn", "zoo:resnet50"), or a file
     * (DL4J zip or Keras .h5), optionally with a local weights file for a zoo model.
     *
     * @param randomWeights {@code weights: random}: the architecture with fresh, seeded weights instead of
     *                      trained ones (zoo models; for file models every parameter is re-initialised)
     * @param preprocessing {@code preprocessing:} (none, caffe, tf, torch): what the network wants as input, or
     *                      null for what the model declares (zoo models their weights' convention, others none)
     */
    public record ModelRef(String name, Path file, Path weights, boolean randomWeights, Preprocessing preprocessing) {
        public ModelRef(String name, Path file, Path weights) {
            this(name, file, weights, false, null);
        }

        public ModelRef(String name, Path file, Path weights, boolean randomWeights) {
            this(name, file, weights, randomWeights, null);
        }

        public String display() {
            return name != null ? name : String.valueOf(file);
        }
    }

    /** Wall-clock minutes and an epoch cap for execution. */
    public record Budget(double minutes, int maxEpochs) {}
}

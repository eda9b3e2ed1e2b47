package io.transferadvisor.execute;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.util.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;

/**
 * model.zip, loadable with plain DL4J (README "Load the trained model in Java"): the network
 * (ModelSerializer, no updater state), the preprocessing as a DL4J normalizer (pixel values 0-255
 * scaled to 0-1, what the network was trained on; any feature standardisation is already folded into
 * the head's weights), and, as ModelSerializer objects, the class names in output order and the
 * input shape [channels, height, width] the images must be resized to.
 */
public final class ModelFile {
    private ModelFile() {}

    /** ModelSerializer object holding the class names (a List of String, output order). */
    public static final String CLASS_NAMES = "classNames";
    /** ModelSerializer object holding the input shape as long[] {channels, height, width}. */
    public static final String INPUT_SHAPE = "inputShape";

    public static void write(ComputationGraph model, Path file, List<String> classNames, InputGeometry input) {
        AtomicFiles.writeVia(file, p -> {
            ModelSerializer.writeModel(model, p.toFile(), false);
            ModelSerializer.addNormalizerToModel(p.toFile(), new ImagePreProcessingScaler(0, 1));
            ModelSerializer.addObjectToFile(p.toFile(), CLASS_NAMES, new ArrayList<>(classNames));
            ModelSerializer.addObjectToFile(p.toFile(), INPUT_SHAPE, new long[] {input.channels(), input.height(), input.width()});
        });
    }
}

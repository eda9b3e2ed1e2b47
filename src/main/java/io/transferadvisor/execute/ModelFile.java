package io.transferadvisor.execute;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.Preprocessing;
import io.transferadvisor.util.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;

/**
 * model.zip, loadable with plain DL4J (README "Load the trained model in Java"): the network
 * (ModelSerializer, no updater state), the input preprocessing as a DL4J normalizer where one exists
 * (0-255 pixels to [0, 1], or to [-1, 1] for tf; any feature standardisation is already folded into
 * the head's weights), and, as ModelSerializer objects, the class names in output order, the
 * input shape [channels, height, width] the images must be resized to, and the preprocessing itself.
 */
public final class ModelFile {
    private ModelFile() {}

    /** ModelSerializer object holding the class names (a List of String, output order). */
    public static final String CLASS_NAMES = "classNames";
    /** ModelSerializer object holding the input shape as long[] {channels, height, width}. */
    public static final String INPUT_SHAPE = "inputShape";

    /**
     * ModelSerializer object holding the input preprocessing as a map: name, scale, mean (double[], one
     * per input channel), std (double[], likewise), channelOrder ("RGB" or "BGR"); the network's input
     * channel c is (pixel / 255 * scale - mean[c]) / std[c], colour channels in that order.
     */
    public static final String PREPROCESSING = "preprocessing";

    public static void write(ComputationGraph model, Path file, List<String> classNames, InputGeometry input, Preprocessing pre) {
        AtomicFiles.writeVia(file, p -> {
            ModelSerializer.writeModel(model, p.toFile(), false);
            // A DL4J normalizer only where one says exactly the same thing on 0-255 pixels: none (to [0, 1]) and tf (to [-1, 1]).
            // caffe's channel swap and torch's per-channel std have no DL4J normalizer; the preprocessing object below is the record.
            if (pre.isIdentity()) {
                ModelSerializer.addNormalizerToModel(p.toFile(), new ImagePreProcessingScaler(0, 1));
            } else if (pre.equals(Preprocessing.TF)) {
                ModelSerializer.addNormalizerToModel(p.toFile(), new ImagePreProcessingScaler(-1, 1));
            }
            java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("name", pre.name());
            m.put("scale", pre.scale());
            double[] mean = new double[input.channels()];
            double[] std = new double[input.channels()];
            for (int c = 0; c < mean.length; c++) {
                mean[c] = pre.meanFor(c, mean.length);
                std[c] = pre.stdFor(c, mean.length);
            }
            m.put("mean", mean); // one value per input channel, in the network's channel order
            m.put("std", std);
            m.put("channelOrder", pre.bgr() ? "BGR" : "RGB");
            ModelSerializer.addObjectToFile(p.toFile(), PREPROCESSING, m);
            ModelSerializer.addObjectToFile(p.toFile(), CLASS_NAMES, new ArrayList<>(classNames));
            ModelSerializer.addObjectToFile(p.toFile(), INPUT_SHAPE, input.chw());
        });
    }

    /** The preprocessing saved in a model.zip (NONE for zips written before it was saved). */
    public static Preprocessing preprocessing(Path zip) {
        java.util.Map<String, Object> m;
        try {
            m = ModelSerializer.getObjectFromFile(zip.toFile(), PREPROCESSING);
        } catch (RuntimeException e) {
            return Preprocessing.NONE; // no such entry: an older run, trained on [0, 1] pixels
        }
        return new Preprocessing((String) m.get("name"), (Double) m.get("scale"), (double[]) m.get("mean"), (double[]) m.get("std"),
                "BGR".equals(m.get("channelOrder")));
    }
}

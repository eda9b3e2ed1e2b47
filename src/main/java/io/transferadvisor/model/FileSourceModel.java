package io.transferadvisor.model;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.util.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network from a local file: a DL4J zip written by ModelSerializer (a MultiLayerNetwork is
 * converted with toComputationGraph()) or a Keras HDF5 model (.h5/.hdf5, functional or Sequential).
 * Channels-last networks (Keras/TensorFlow) are converted to channels-first, like every other model here.
 * The profile is derived from the loaded network; the source classes are unknown ("class 0..n-1"),
 * and the input height/width, which DL4J files do not store, is found by trial forward passes.
 */
public final class FileSourceModel implements SourceModel {
    /** Square sizes tried, in order, when the file does not say its input size. */
    static final int[] TRIAL_SIZES = {28, 32, 224, 227, 299, 64, 96, 128, 256, 16, 48};

    private final String name;
    private final Path file;
    private ComputationGraph graph;
    private ModelProfile profile;
    private final boolean random;

    public FileSourceModel(String name, Path file) {
        this(name, file, false);
    }

    /**
     * @param random {@code weights: random}: the file's architecture with every parameter initialised
     *               afresh from its configuration's seed (what FROM_SCRATCH-like comparisons and tests
     *               of the pipeline on a real graph need)
     */
    public FileSourceModel(String name, Path file, boolean random) {
        this.random = random;
        this.file = file.toAbsolutePath();
        this.name = name != null ? name : this.file.getFileName().toString();
        String ext = extension(this.file);
        if (!ext.equals("zip") && !ext.equals("h5") && !ext.equals("hdf5") && !ext.equals("keras")) {
            throw new ModelException("model file " + file + " has an unknown type '." + ext
                    + "'; give a DL4J ModelSerializer .zip or a Keras .h5 file");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean available() {
        return Files.isRegularFile(file);
    }

    @Override
    public String weightsLocation() {
        return file.toString();
    }

    @Override
    public synchronized ModelProfile profile() {
        if (profile == null) {
            profile = derive(loaded());
        }
        return profile;
    }

    /** A fresh copy each call, so callers may modify (fine-tune) it. */
    @Override
    public boolean randomWeights() {
        return random;
    }

    @Override
    public ComputationGraph load() {
        NativeThreads.apply();
        return read();
    }

    private synchronized ComputationGraph loaded() {
        if (graph == null) {
            graph = read();
        }
        return graph;
    }

    private ComputationGraph read() {
        ComputationGraph g = readFile();
        if (!random) {
            return g;
        }
        ComputationGraph fresh = new ComputationGraph(g.getConfiguration().clone());
        fresh.init();
        return fresh;
    }

    private ComputationGraph readFile() {
        if (!available()) {
            throw new ModelException("model file " + file + " not found; check the 'file:' path in dataset.yaml (relative paths are resolved against its folder)");
        }
        String ext = extension(file);
        try {
            if (ext.equals("zip")) {
                return isComputationGraphZip(file)
                        ? ModelSerializer.restoreComputationGraph(file.toFile(), false)
                        : LayerNames.toGraph(ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false));
            }
            return ChannelsFirst.convert(readKeras(file));
        } catch (ModelException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelException("cannot load model file " + file + ": " + ProfileFiles.oneLine(String.valueOf(e.getMessage()))
                    + "; give a DL4J ModelSerializer .zip or a Keras HDF5 model saved with model.save('x.h5')", e);
        }
    }

    private static ComputationGraph readKeras(Path file) throws Exception {
        if (!isHdf5(file)) {
            // checked here so the HDF5 native library does not print its diagnostic stack to stderr
            throw new ModelException("cannot load model file " + file + ": not an HDF5 file (no HDF5 signature)"
                    + "; give a Keras HDF5 model saved with model.save('x.h5'), or a DL4J ModelSerializer .zip");
        }
        Exception functional;
        try {
            return KerasModelImport.importKerasModelAndWeights(file.toString(), false);
        } catch (Exception e) {
            functional = e;
        }
        try {
            return LayerNames.toGraph(KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false));
        } catch (Exception e) {
            e.addSuppressed(functional);
            throw e;
        }
    }

    /** HDF5's signature sits at offset 0, 512, 1024, 2048, ... (after an optional user block). */
    static boolean isHdf5(Path file) throws IOException {
        byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        long size = Files.size(file);
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            for (long offset = 0; offset + signature.length <= size; offset = offset == 0 ? 512 : offset * 2) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(signature.length);
                ch.read(buf, offset);
                if (java.util.Arrays.equals(buf.array(), signature)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** DL4J zips hold configuration.json; a ComputationGraph's has "vertices", a MultiLayerNetwork's "confs". */
    static boolean isComputationGraphZip(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry("configuration.json");
            if (e == null) {
                throw new ModelException(zip + " is a zip but not a DL4J model (no configuration.json); save networks with ModelSerializer.writeModel");
            }
            String json = new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
            return json.contains("\"vertices\"");
        }
    }

    ModelProfile derive(ComputationGraph g) {
        ComputationGraphConfiguration conf = g.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new ModelException("model " + name + " has " + conf.getNetworkInputs().size() + " inputs and "
                    + conf.getNetworkOutputs().size() + " outputs; only single-input single-output image classifiers are supported");
        }
        InputGeometry input = inferInput(g);
        InputType type = InputType.convolutional(input.height(), input.width(), input.channels());
        List<ModelProfile.LayerInfo> layers = GraphAnatomy.layers(conf, type);
        List<Integer> outShape = layers.get(layers.size() - 1).outputShape();
        int classes = outShape.isEmpty() ? 0 : outShape.get(0);
        List<String> classNames = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            classNames.add("class " + i);
        }
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("source", "local file " + file);
        if (random) {
            prov.put("weights", "random: every parameter initialised afresh from the configuration's seed (dataset.yaml weights: random)");
        }
        prov.put("format", extension(file).equals("zip") ? "DL4J ModelSerializer zip" : "Keras HDF5");
        prov.put("inputGeometry", "inferred by trial forward passes (the file does not store it)");
        prov.put("dl4jVersion", Pretrainer.dl4jVersion());
        return new ModelProfile(ModelProfile.SCHEMA_VERSION, name, "unknown (local file " + file.getFileName() + ")", classNames, input,
                g.numParams(), layers, GraphAnatomy.candidateCuts(conf), Map.of(),
                random ? Hashing.sha256("random weights of " + Hashing.sha256(file)) : Hashing.sha256(file), prov);
    }

    /** Channels from the first convolution's nIn; height and width by the first trial size that runs. */
    static InputGeometry inferInput(ComputationGraph g) {
        ComputationGraphConfiguration conf = g.getConfiguration();
        int channels = 0;
        for (String v : GraphAnatomy.topologicalOrder(conf)) {
            GraphVertex gv = conf.getVertices().get(v);
            Layer l = GraphAnatomy.layerOf(gv);
            if (l instanceof ConvolutionLayer c) {
                channels = (int) c.getNIn();
                break;
            }
        }
        if (channels != 1 && channels != 3) {
            throw new ModelException("model's first convolution takes " + channels + " channels; only image models with 1 or 3 input channels are supported");
        }
        RuntimeException last = null;
        for (int size : TRIAL_SIZES) {
            try {
                g.output(false, Nd4j.zeros(1, channels, size, size));
                return new InputGeometry(size, size, channels);
            } catch (RuntimeException e) {
                last = e; // this size does not fit the network; try the next one
            }
        }
        throw new ModelException("cannot find the input size of the model: none of " + java.util.Arrays.toString(TRIAL_SIZES)
                + " square inputs runs through it (last error: " + ProfileFiles.oneLine(String.valueOf(last.getMessage()))
                + "); only square image classifiers of those sizes are supported", last);
    }

    static String extension(Path p) {
        String f = p.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot < 0 ? "" : f.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}

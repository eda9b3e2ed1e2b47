package io.transferadvisor.model;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.Preprocessing;
import io.transferadvisor.util.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.Adler32;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.Darknet19;
import org.deeplearning4j.zoo.model.LeNet;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.SqueezeNet;
import org.deeplearning4j.zoo.model.VGG16;
import org.deeplearning4j.zoo.model.VGG19;
import org.deeplearning4j.zoo.model.Xception;

/**
 * A DL4J zoo model with pretrained weights. The weights are never downloaded by this tool: they
 * are read from DL4J's cache folder (base directory/models/MODEL/FILE, the file name of
 * ZooModel.pretrainedUrl) or from a local file given as {@code weights:}, checked against DL4J's
 * Adler32 checksum and loaded with ModelSerializer. The profile is derived from the configuration
 * alone (no weights) and cached under the feature cache folder, because building e.g. VGG16's
 * configuration takes seconds.
 */
public final class ZooSourceModel implements SourceModel {

    /**
     * One zoo entry: advisor name, DL4J model factory, pretrained weight set, what it was trained on,
     * and the factory for {@code weights: random} (the same one unless DL4J's initialisation is unusable).
     */
    public record Entry(String name, Supplier<ZooModel<?>> factory, PretrainedType type, String sourceDataset, int classes,
                        String classPrefix, Preprocessing preprocessing, Supplier<ZooModel<?>> randomFactory) {
        public Entry(String name, Supplier<ZooModel<?>> factory, PretrainedType type, String sourceDataset, int classes, String classPrefix,
                     Preprocessing preprocessing) {
            this(name, factory, type, sourceDataset, classes, classPrefix, preprocessing, factory);
        }
    }

    /** The zoo models with pretrained classification weights in DL4J 1.0.0-M2.1 (detection/segmentation ones left out). */
    public static final List<Entry> ENTRIES = List.of(
            // DL4J's ResNet50 initialises every convolution from a normal of std 0.5, which, with batch norm's untrained
            // statistics, overflows to NaN at inference (the probe's source softmax was NaN); with random weights it gets
            // He initialisation for ReLU instead, as torchvision's resnet50 does.
            new Entry("zoo:resnet50", () -> ResNet50.builder().numClasses(1000).build(), PretrainedType.IMAGENET,
                    "ImageNet ILSVRC-2012 (1000 classes)", 1000, "imagenet-", Preprocessing.CAFFE,
                    () -> ResNet50.builder().numClasses(1000).weightInit(new org.deeplearning4j.nn.weights.WeightInitRelu()).build()),
            new Entry("zoo:vgg16", () -> VGG16.builder().numClasses(1000).build(), PretrainedType.IMAGENET,
                    "ImageNet ILSVRC-2012 (1000 classes)", 1000, "imagenet-", Preprocessing.CAFFE),
            new Entry("zoo:vgg19", () -> VGG19.builder().numClasses(1000).build(), PretrainedType.IMAGENET,
                    "ImageNet ILSVRC-2012 (1000 classes)", 1000, "imagenet-", Preprocessing.CAFFE),
            new Entry("zoo:squeezenet", () -> SqueezeNet.builder().numClasses(1000).build(), PretrainedType.IMAGENET,
                    "ImageNet ILSVRC-2012 (1000 classes)", 1000, "imagenet-", Preprocessing.CAFFE),
            new Entry("zoo:xception", () -> Xception.builder().numClasses(1000).build(), PretrainedType.IMAGENET,
                    "ImageNet ILSVRC-2012 (1000 classes)", 1000, "imagenet-", Preprocessing.TF),
            new Entry("zoo:darknet19", () -> Darknet19.builder().numClasses(1000).build(), PretrainedType.IMAGENET,
                    "ImageNet ILSVRC-2012 (1000 classes)", 1000, "imagenet-", Preprocessing.NONE),
            new Entry("zoo:lenet", () -> LeNet.builder().numClasses(10).build(), PretrainedType.MNIST,
                    "MNIST digits (10 classes)", 10, "", Preprocessing.NONE));

    private final Entry entry;
    private final ZooModel<?> zoo;
    private final Path weights;
    private final boolean localWeights;
    private final Path cacheDir;
    private final boolean random;
    private ModelProfile profile;

    /**
     * @param entry    which zoo model
     * @param weights  a local weights file (dataset.yaml {@code weights:}), or null for DL4J's cache folder
     * @param cacheDir where derived profiles are cached (null: no caching)
     */
    public ZooSourceModel(Entry entry, Path weights, Path cacheDir) {
        this(entry, weights, cacheDir, false);
    }

    /**
     * The architecture with fresh weights, seeded by the zoo builder's default seed (dataset.yaml
     * {@code weights: random}): no file is needed, so the whole pipeline runs on real zoo graphs offline.
     */
    public static ZooSourceModel random(Entry entry, Path cacheDir) {
        return new ZooSourceModel(entry, null, cacheDir, true);
    }

    private ZooSourceModel(Entry entry, Path weights, Path cacheDir, boolean random) {
        this.random = random;
        this.entry = entry;
        this.zoo = (random ? entry.randomFactory() : entry.factory()).get();
        this.localWeights = weights != null;
        this.weights = weights != null ? weights.toAbsolutePath() : defaultWeights(zoo, entry.type());
        this.cacheDir = cacheDir;
    }

    /** DL4J's cache location for a zoo model's weights, computed without creating folders. */
    static Path defaultWeights(ZooModel<?> zoo, PretrainedType type) {
        String url = zoo.pretrainedUrl(type);
        if (url == null) {
            throw new IllegalArgumentException(zoo.modelName() + " has no " + type + " weights");
        }
        String file = url.substring(url.lastIndexOf('/') + 1);
        File base = DL4JResources.getBaseDirectory();
        return base.toPath().resolve(ResourceType.ZOO_MODEL.resourceName()).resolve(zoo.modelName()).resolve(file).toAbsolutePath();
    }

    @Override
    public String name() {
        return entry.name();
    }

    /** DL4J's Adler32 checksum of the weights file. */
    public long expectedChecksum() {
        return zoo.pretrainedChecksum(entry.type());
    }

    /** Where DL4J would download the weights from (for the error message; this tool never downloads). */
    public String url() {
        return zoo.pretrainedUrl(entry.type());
    }

    @Override
    public boolean available() {
        return random || Files.isRegularFile(weights);
    }

    /** The convention the zoo's ImageNet weights were trained with (imported from Keras: "caffe" or "tf"); unverified here, no weights. */
    @Override
    public Preprocessing preprocessing() {
        return entry.preprocessing();
    }

    @Override
    public String weightsLocation() {
        return random ? "none (weights: random)" : weights.toString();
    }

    @Override
    public synchronized ModelProfile profile() {
        if (profile == null) {
            ModelProfile p = cachedOrDerived();
            profile = random ? randomized(p) : p;
        }
        return profile;
    }

    /** The derived profile of the architecture, marked as random weights and with an identity of its own. */
    private ModelProfile randomized(ModelProfile p) {
        Map<String, Object> prov = new LinkedHashMap<>(p.provenance());
        prov.put("weights", "random: DL4J's initialisation of the zoo configuration with the zoo builder's default seed (dataset.yaml weights: random)");
        prov.remove("weightsFile");
        prov.remove("weightsAdler32");
        prov.remove("weightsUrl");
        String id = io.transferadvisor.util.Hashing.sha256("random weights of " + entry.name() + " dl4j " + Pretrainer.dl4jVersion() + " code " + codeVersion());
        return new ModelProfile(p.schemaVersion(), p.name(), "none (random weights; the architecture was trained on " + entry.sourceDataset() + ")",
                p.sourceClasses(), p.input(), p.parameters(), p.layers(), p.candidateCuts(), p.activationStats(), id, prov);
    }

    private ModelProfile cachedOrDerived() {
        Path cached = cacheDir == null ? null : cacheDir.resolve("model-profiles")
                .resolve(entry.name().replace(':', '_') + "-" + Pretrainer.dl4jVersion() + "-" + codeVersion() + ".json");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                ModelProfile p = Json.json().readValue(cached.toFile(), ModelProfile.class);
                if (p.schemaVersion() == ModelProfile.SCHEMA_VERSION && p.name().equals(entry.name())) {
                    return p;
                }
            } catch (IOException e) {
                // an unreadable cache entry is rebuilt below and overwritten
            }
        }
        ModelProfile p = derive();
        if (cached != null) {
            try {
                ProfileFiles.write(cached, p);
            } catch (RuntimeException e) {
                // the cache is an optimisation; a read-only cache folder must not fail `advisor models`
            }
        }
        return p;
    }

    /**
     * A hash of the classes that derive profiles and of the bundled class names, so a cached profile
     * is never reused after the derivation rules (e.g. candidate cuts) or the names change.
     */
    static String codeVersion() {
        java.security.MessageDigest d = io.transferadvisor.util.Hashing.sha256();
        d.update(String.join("\n", ImageNetClasses.names()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (Class<?> c : List.of(GraphAnatomy.class, ZooSourceModel.class, ModelProfile.class)) {
            try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                if (in != null) {
                    d.update(in.readAllBytes());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read class file of " + c.getName(), e);
            }
        }
        return io.transferadvisor.util.Hashing.hex(d).substring(0, 12);
    }

    /**
     * Whether the output units follow the ILSVRC-2012 class index, so the bundled names apply:
     * every ImageNet entry but Darknet19, whose weights come from darknet with its own label order
     * (DL4J decodes it with DarknetLabels, which downloads that list).
     */
    boolean imageNetNames() {
        return entry.type() == PretrainedType.IMAGENET && entry.classes() == ImageNetClasses.COUNT && !(zoo instanceof Darknet19);
    }

    /** Builds the profile from the zoo configuration (no weights needed). */
    ModelProfile derive() {
        int[] shape = zoo.metaData().getInputShape()[0];
        InputGeometry input = new InputGeometry(shape[1], shape[2], shape[0]);
        ComputationGraphConfiguration conf = configuration();
        InputType inputType = InputType.convolutional(input.height(), input.width(), input.channels());
        List<String> classes = imageNetNames() ? ImageNetClasses.names() : new ArrayList<>();
        for (int i = classes.size(); i < entry.classes(); i++) {
            classes.add(entry.classPrefix() + i);
        }
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("source", "DL4J model zoo " + zoo.getClass().getSimpleName() + " (" + entry.type() + " weights)");
        prov.put("dl4jVersion", Pretrainer.dl4jVersion());
        prov.put("weightsFile", defaultWeights(zoo, entry.type()).getFileName().toString());
        prov.put("weightsAdler32", expectedChecksum());
        prov.put("weightsUrl", url());
        prov.put("classNames", imageNetNames() ? "ILSVRC-2012 names in class-index order, " + ImageNetClasses.RESOURCE
                + " (from torchvision, BSD-3-Clause)" : "not bundled offline; class i is output unit i");
        return new ModelProfile(ModelProfile.SCHEMA_VERSION, entry.name(), entry.sourceDataset(), classes, input,
                GraphAnatomy.parameters(conf), GraphAnatomy.layers(conf, inputType), GraphAnatomy.candidateCuts(conf),
                Map.of(), null, prov);
    }

    private ComputationGraphConfiguration configuration() {
        if (zoo instanceof ResNet50 r) {
            return r.graphBuilder().build();
        }
        // SqueezeNet and Xception add their input inside init(); mirror it (input name as in DL4J's init()).
        int[] shape = zoo.metaData().getInputShape()[0];
        InputType in = InputType.convolutional(shape[1], shape[2], shape[0]);
        if (zoo instanceof SqueezeNet s) {
            return s.graphBuilder().addInputs("input").setInputTypes(in).build();
        }
        if (zoo instanceof Xception x) {
            return x.graphBuilder().addInputs("input").setInputTypes(in).build();
        }
        if (zoo instanceof VGG16 v) {
            return v.conf();
        }
        if (zoo instanceof VGG19 v) {
            return v.conf();
        }
        if (zoo instanceof Darknet19 d) {
            return d.conf();
        }
        if (zoo instanceof LeNet l) {
            MultiLayerConfiguration mlc = l.conf();
            MultiLayerNetwork net = new MultiLayerNetwork(mlc);
            net.init();
            return net.toComputationGraph().getConfiguration();
        }
        throw new IllegalStateException("no configuration route for " + zoo.getClass().getName());
    }

    @Override
    public boolean randomWeights() {
        return random;
    }

    @Override
    public ComputationGraph load() {
        NativeThreads.apply();
        if (random) {
            try {
                Object net = zoo.init();
                return net instanceof MultiLayerNetwork m ? m.toComputationGraph() : (ComputationGraph) net;
            } catch (RuntimeException e) {
                throw new ModelException("cannot build " + name() + " with random weights: " + ProfileFiles.oneLine(String.valueOf(e.getMessage())), e);
            }
        }
        if (!available()) {
            throw new ModelException(missingMessage());
        }
        long actual = adler32(weights);
        if (actual != expectedChecksum()) {
            throw new ModelException("weights file " + weights + " for " + name() + " has Adler32 checksum " + actual
                    + ", expected " + expectedChecksum() + " (corrupt or a different model); replace it with a fresh copy of "
                    + url() + (localWeights ? ", or give your own network as 'file:' instead of 'weights:'" : ""));
        }
        try {
            if (MultiLayerNetwork.class.equals(zoo.modelType())) {
                return ModelSerializer.restoreMultiLayerNetwork(weights.toFile(), false).toComputationGraph();
            }
            return ModelSerializer.restoreComputationGraph(weights.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelException("cannot load " + name() + " weights from " + weights + ": " + ProfileFiles.oneLine(e.getMessage())
                    + "; replace the file with a fresh copy of " + url(), e);
        }
    }

    /** One line: the missing file, its checksum, where to put it and where it comes from. */
    public String missingMessage() {
        return "weights for " + name() + " not found: " + weights + " (Adler32 " + expectedChecksum() + ") is missing; "
                + (localWeights
                        ? "fix the 'weights:' path in dataset.yaml"
                        : "this tool never downloads: fetch " + url() + " on a connected machine and put it at that path "
                        + "(DL4J base folder: -Dorg.deeplearning4j.resources.directory), or give a local copy as 'weights:' in dataset.yaml");
    }

    static long adler32(Path file) {
        Adler32 a = new Adler32();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                a.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new ModelException("cannot read weights file " + file + ": " + e.getMessage() + "; check its permissions", e);
        }
        return a.getValue();
    }

    Entry entry() {
        return entry;
    }
}

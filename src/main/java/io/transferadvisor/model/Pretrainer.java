package io.transferadvisor.model;

import io.transferadvisor.dataset.Idx;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Hashing;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a project source model and writes profiles/NAME.zip (with updater state) and
 * profiles/NAME.json (its {@link ModelProfile}): {@link FmnistCnn} on Fashion-MNIST classes 0-4, or
 * {@link GlyphsCnn} on rendered glyphs ({@link GlyphCorpus}). Pixels are in [0, 1]; nothing else is
 * normalised. The same options (and, for glyphs, the same font files) give the same bytes.
 */
public final class Pretrainer {
    private Pretrainer() {}

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    /** What was written. */
    public record Result(Path zip, Path json, ModelProfile profile) {}

    /**
     * What a model is pretrained on.
     *
     * @param name          the model's name (file names in profiles/)
     * @param sourceDataset what the profile says the model was trained on
     * @param sourceClasses class names in output order
     * @param input         input geometry (28x28x1 for both project models)
     * @param architecture  (seed, learning rate) -> the untrained network
     * @param train         training images
     * @param test          test images (accuracy only)
     * @param description   the training subset, for the progress line
     * @param provenance    what the profile records about the data, in order
     */
    record Corpus(String name, String sourceDataset, List<String> sourceClasses, io.transferadvisor.dataset.InputGeometry input,
                  java.util.function.BiFunction<Long, Double, ComputationGraphConfiguration> architecture, Subset train, Subset test,
                  String description, Map<String, Object> provenance) {}

    /** A labelled subset as [n, 784] floats in 0..1 and class indices 0..k-1. */
    record Subset(int count, float[] pixels, int[] classes) {
        INDArray features(int[] rows) {
            float[] f = new float[rows.length * 784];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(pixels, rows[i] * 784, f, i * 784, 784);
            }
            return Nd4j.create(f, new long[] {rows.length, 1, 28, 28}, 'c');
        }

        INDArray labels(int[] rows, int k) {
            float[] l = new float[rows.length * k];
            for (int i = 0; i < rows.length; i++) {
                l[i * k + classes[rows[i]]] = 1f;
            }
            return Nd4j.create(l, new long[] {rows.length, k}, 'c');
        }
    }

    /**
     * OpenBLAS threads while pretraining. The committed fmnist-cnn was made with OpenBLAS at its
     * default on a 2-core machine (2 threads); the GEMM split changes the float sums, so pretrain pins
     * 2 whatever {@link NativeThreads} set for the rest of the tool (1) and whatever the core count.
     * Without the pin, a pretrain after any model load in the same JVM gave other weights.
     */
    static final int BLAS_THREADS = 2;

    public static Result run(PretrainOptions o, PrintWriter log) {
        var blas = org.nd4j.linalg.factory.Nd4j.factory().blas();
        int before = blas.getMaxThreads();
        blas.setMaxThreads(BLAS_THREADS);
        try {
            // the plain path (no oneDNN helpers): the committed fmnist-cnn was made on it, and oneDNN sums in another order
            return OneDnn.plain(() -> pretrain(o, log));
        } finally {
            blas.setMaxThreads(before);
        }
    }

    private static Result pretrain(PretrainOptions o, PrintWriter log) {
        Path zip = o.outDir().resolve(o.model() + ".zip");
        Path json = o.outDir().resolve(o.model() + ".json");
        if (Files.exists(o.outDir()) && !Files.isDirectory(o.outDir())) {
            throw new io.transferadvisor.util.OutputException("-o " + o.outDir() + " is a file; the model and its profile go into a folder: give a folder");
        }
        // --force replaces only a DL4J model zip and a model profile JSON (what pretrain writes), never another file
        io.transferadvisor.util.OwnFiles.checkReplaceable(zip, o.force(), "a DL4J model zip", io.transferadvisor.util.OwnFiles::dl4jModel);
        io.transferadvisor.util.OwnFiles.checkReplaceable(json, o.force(), "a model profile JSON",
                f -> io.transferadvisor.util.OwnFiles.jsonWithFields(f, "schemaVersion", "name", "layers", "candidateCuts", "sha256"));
        long start = System.nanoTime();
        Corpus corpus = o.model().equals(GlyphsCnn.NAME) ? GlyphCorpus.build(o) : fashion(o);
        Subset train = corpus.train();
        Subset test = corpus.test();
        int k = corpus.sourceClasses().size();
        log.printf(Locale.ROOT, "pretrain %s: %d training images (%s), %d test images, %d epochs, batch %d, Adam lr %s, seed %d%n",
                corpus.name(), train.count(), corpus.description(), test.count(), o.epochs(), o.batchSize(), o.learningRate(), o.seed());
        log.flush();

        Nd4j.getRandom().setSeed(o.seed());
        ComputationGraphConfiguration conf = corpus.architecture().apply(o.seed(), o.learningRate());
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();

        Random rng = new Random(o.seed());
        double testAccuracy = Double.NaN;
        List<Map<String, Object>> history = new ArrayList<>();
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            int[] perm = io.transferadvisor.util.Shuffle.permutation(train.count(), rng);
            long t0 = System.nanoTime();
            double lossSum = 0;
            int batches = 0;
            for (int from = 0; from < perm.length; from += o.batchSize()) {
                int[] rows = java.util.Arrays.copyOfRange(perm, from, Math.min(perm.length, from + o.batchSize()));
                graph.fit(new DataSet(train.features(rows), train.labels(rows, k)));
                lossSum += graph.score();
                batches++;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double trainLoss = lossSum / batches;
            testAccuracy = accuracy(graph, test, 500);
            log.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  test accuracy %.4f  %.0f images/s  (%.0f s)%n",
                    epoch, o.epochs(), trainLoss, testAccuracy, perm.length / seconds, seconds);
            log.flush();
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("epoch", epoch);
            h.put("trainLoss", round(trainLoss));
            h.put("testAccuracy", round(testAccuracy));
            h.put("imagesPerSecond", Math.round(perm.length / seconds));
            history.add(h);
        }

        List<String> cuts = GraphAnatomy.candidateCuts(conf);
        int[] statsRows = java.util.Arrays.copyOf(io.transferadvisor.util.Shuffle.permutation(train.count(), new Random(o.seed() + 1)), Math.min(o.statsSamples(), train.count()));
        Map<String, ModelProfile.ChannelStats> stats = ActivationStats.measure(graph, cuts, batches(train, statsRows, 250));

        AtomicFiles.writeVia(zip, tmp -> {
            ModelSerializer.writeModel(graph, tmp.toFile(), true);
            withFixedTimestamps(tmp);
        });
        String sha = Hashing.sha256(zip);
        double wall = (System.nanoTime() - start) / 1e9;

        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("tool", "advisor pretrain");
        prov.put("seed", o.seed());
        prov.put("epochs", o.epochs());
        prov.put("perClass", o.perClass());
        prov.put("batchSize", o.batchSize());
        prov.put("updater", "Adam");
        prov.put("learningRate", o.learningRate());
        prov.put("trainImages", train.count());
        prov.put("testImages", test.count());
        prov.put("statsImages", statsRows.length);
        prov.putAll(corpus.provenance());
        prov.put("testAccuracy", round(testAccuracy));
        prov.put("history", history);
        prov.put("dl4jVersion", dl4jVersion());
        prov.put("javaVersion", System.getProperty("java.version"));
        prov.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        prov.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        prov.put("wallSeconds", Math.round(wall * 10) / 10.0);
        prov.put("created", Instant.now().toString());

        ModelProfile profile = new ModelProfile(ModelProfile.SCHEMA_VERSION, corpus.name(), corpus.sourceDataset(),
                corpus.sourceClasses(), corpus.input(), graph.numParams(),
                GraphAnatomy.layers(conf, InputType.convolutional(corpus.input().height(), corpus.input().width(), corpus.input().channels())),
                cuts, stats, sha, prov);
        ProfileFiles.write(json, profile);
        log.printf(Locale.ROOT, "test accuracy %.4f on %d images; wrote %s (sha256 %s) and %s in %.0f s%n",
                testAccuracy, test.count(), zip, sha.substring(0, 12), json, wall);
        log.flush();
        return new Result(zip, json, profile);
    }

    /** Fashion-MNIST classes 0-4 from the Debian IDX files: what fmnist-cnn is trained on. */
    private static Corpus fashion(PretrainOptions o) {
        Subset train = load(o.dataDir().resolve(TRAIN_IMAGES), o.dataDir().resolve(TRAIN_LABELS), o.perClass());
        Subset test = load(o.dataDir().resolve(TEST_IMAGES), o.dataDir().resolve(TEST_LABELS), 0);
        Map<String, String> dataHashes = new LinkedHashMap<>();
        for (String f : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
            dataHashes.put(f, decompressedSha256(o.dataDir().resolve(f)));
        }
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("sourceLabels", FmnistCnn.SOURCE_LABELS);
        prov.put("subset", "Fashion-MNIST labels 0-4 only; first " + (o.perClass() == 0 ? "6000 (all)" : o.perClass())
                + " training images per class in file order; test = all t10k images of labels 0-4");
        prov.put("preprocessing", "pixel / 255 -> [0, 1], NCHW 1x28x28, no mean/std normalisation");
        prov.put("dataDir", o.dataDir().toString());
        prov.put("dataSha256Decompressed", dataHashes);
        return new Corpus(FmnistCnn.NAME, FmnistCnn.SOURCE_DATASET, FmnistCnn.SOURCE_CLASSES, FmnistCnn.INPUT, FmnistCnn::configuration,
                train, test, o.perClass() == 0 ? "all of classes 0-4" : o.perClass() + " per class", prov);
    }

    /**
     * Rewrites a zip with every entry dated 1980-01-01 (in the same order, same bytes), so the same
     * weights give the same file and the same SHA-256: ModelSerializer stamps entries with the time.
     */
    static void withFixedTimestamps(Path zipFile) throws IOException {
        Path tmp = zipFile.resolveSibling(zipFile.getFileName() + ".fixed");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new BufferedInputStream(Files.newInputStream(zipFile)));
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp)))) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                java.util.zip.ZipEntry fixed = new java.util.zip.ZipEntry(e.getName());
                fixed.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
                out.putNextEntry(fixed);
                in.transferTo(out);
                out.closeEntry();
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, zipFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Fraction of correctly classified images of a subset. */
    static double accuracy(ComputationGraph graph, Subset s, int batch) {
        int correct = 0;
        int[] all = new int[s.count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        int from = 0;
        for (INDArray f : batches(s, all, batch)) {
            INDArray pred = graph.output(false, f)[0].argMax(1);
            for (int i = 0; i < pred.length(); i++) {
                if (pred.getInt(i) == s.classes()[from + i]) {
                    correct++;
                }
            }
            from += (int) f.size(0);
        }
        return s.count() == 0 ? Double.NaN : (double) correct / s.count();
    }

    static Iterable<INDArray> batches(Subset s, int[] rows, int batch) {
        return () -> new Iterator<>() {
            int from = 0;

            @Override
            public boolean hasNext() {
                return from < rows.length;
            }

            @Override
            public INDArray next() {
                int[] r = java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + batch));
                from += r.length;
                return s.features(r);
            }
        };
    }

    /** Images of labels 0-4, at most perClass of each (0 = all), in file order. */
    static Subset load(Path images, Path labels, int perClass) {
        Idx.Images im = Idx.readImages(images);
        byte[] lab = Idx.readLabels(labels);
        if (lab.length != im.count() || im.rows() != 28 || im.cols() != 28) {
            throw new io.transferadvisor.dataset.DatasetException(images + ": expected 28x28 images with one label each, got "
                    + im.count() + " images of " + im.rows() + "x" + im.cols() + " and " + lab.length + " labels; use the Fashion-MNIST IDX files");
        }
        int k = FmnistCnn.SOURCE_LABELS.size();
        int[] taken = new int[k];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < im.count(); i++) {
            int c = FmnistCnn.SOURCE_LABELS.indexOf(lab[i] & 0xff);
            if (c >= 0 && (perClass == 0 || taken[c] < perClass)) {
                taken[c]++;
                rows.add(i);
            }
        }
        float[] px = new float[rows.size() * 784];
        int[] cls = new int[rows.size()];
        byte[] raw = im.pixels();
        for (int j = 0; j < rows.size(); j++) {
            int i = rows.get(j);
            for (int p = 0; p < 784; p++) {
                px[j * 784 + p] = (raw[i * 784 + p] & 0xff) / 255f;
            }
            cls[j] = FmnistCnn.SOURCE_LABELS.indexOf(lab[i] & 0xff);
        }
        return new Subset(rows.size(), px, cls);
    }

    /** SHA-256 of a file's content after gunzip (if gzipped): Debian re-gzipped the IDX files. */
    public static String decompressedSha256(Path file) {
        MessageDigest d = Hashing.sha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b1 = raw.read();
            int b2 = raw.read();
            raw.reset();
            try (InputStream in = (b1 == 0x1f && b2 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    d.update(buf, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Hashing.hex(d);
    }


    /** The DL4J version from the jar's Maven metadata (the manifest carries none). */
    static String dl4jVersion() {
        try (InputStream in = ComputationGraph.class.getResourceAsStream(
                "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read DL4J's pom.properties", e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

}

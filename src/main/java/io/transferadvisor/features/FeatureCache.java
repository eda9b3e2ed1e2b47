package io.transferadvisor.features;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.util.Hashing;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A disk cache of layer activations, keyed per image, so the probe's sample, a frozen-feature
 * training run and any rerun share the forward passes they have in common.
 *
 * <p>Layout: {@code ROOT/MODEL/LAYER.POOLING.HxWxC/} with {@code meta.json}, an append-only
 * {@code rows.f32} and an append-only {@code index.txt} mapping an image's content hash (SHA-256 of
 * its pixels as fitted to the geometry, first 128 bits) to a row. See {@link FeatureCacheStore}
 * for why this is crash-safe and safe for concurrent readers. Only images missing from some
 * requested store go through the network, once, with every requested layer collected from that
 * single {@code feedForward}.
 */
public final class FeatureCache {
    /**
     * The cache's identity of a source model's frozen weights: the weights' SHA-256 from its profile
     * (or a hash of its name when the profile has none), then the numeric path that computes them
     * ({@link io.transferadvisor.model.NativeBuild#numerics()}: the libnd4j build and oneDNN helpers
     * give features that differ in the last float bits, and a run must compute the same features
     * whether or not another build filled the cache). The probe and the executor key rows by it, so
     * a plan's frozen-feature run reuses the rows the probe computed.
     */
    public static String modelId(io.transferadvisor.model.SourceModel model) {
        String sha = model.profile().sha256();
        return (sha != null ? sha : Hashing.sha256(model.name())) + "-" + io.transferadvisor.model.NativeBuild.numerics();
    }

    private static final int FORMAT_VERSION = 1;
    /** Computed rows are appended (and synced) once this many bytes are buffered, and at the end of each call. */
    static final long WRITE_BUFFER_BYTES = 64L << 20;

    private final Path root;
    private final RemoteFeaturizer remote;

    public FeatureCache(Path root) {
        this(root, null);
    }

    /** A cache whose missing rows are computed by remote (a Spark cluster); null: by this JVM. */
    public FeatureCache(Path root, RemoteFeaturizer remote) {
        this.root = root.toAbsolutePath().normalize();
        this.remote = remote;
    }

    public Path root() {
        return root;
    }

    /** One layer with one pooling. */
    public record Request(String layer, Pooling pooling) implements java.io.Serializable {
        public Request {
            if (layer == null || layer.isBlank()) {
                throw new IllegalArgumentException("feature request layer must be a layer name");
            }
            if (pooling == null) {
                throw new IllegalArgumentException("feature request pooling must be NONE, AVG or MOMENTS");
            }
        }
    }

    /**
     * @param features per request, [n, ...row shape] FLOAT arrays in the images' order (requests over the
     *                 materializeBytes of compute are absent: read them through rows)
     * @param rows     per request, the same rows read from the cache on demand
     * @param images   images asked for
     * @param reused   images every requested store already held
     * @param computed images that went through the network
     * @param forwardSeconds time spent in the network
     * @param decodeWaitSeconds time the network waited for images to be decoded (the data pipeline's
     *                          share of the wall time: decoding runs ahead on another thread)
     * @param seconds        wall time of the whole call
     */
    public record Result(Map<Request, INDArray> features, Map<Request, Rows> rows, int images, int reused, int computed,
                         double forwardSeconds, double decodeWaitSeconds, double seconds) {
        /** The rows of one request, read from the cache on demand (always available, in memory or not). */
        public Rows rows(String layer, Pooling pooling) {
            Rows r = rows.get(new Request(layer, pooling));
            if (r == null) {
                throw new IllegalArgumentException("no features for " + layer + "/" + pooling + "; requested: " + rows.keySet());
            }
            return r;
        }

        /** Whether the request's features were read into memory (see the materializeBytes of compute). */
        public boolean inMemory(String layer, Pooling pooling) {
            return features.containsKey(new Request(layer, pooling));
        }

        public INDArray get(String layer, Pooling pooling) {
            INDArray a = features.get(new Request(layer, pooling));
            if (a == null) {
                throw new IllegalArgumentException("no features for " + layer + "/" + pooling + "; requested: " + features.keySet());
            }
            return a;
        }
    }

    /**
     * Features of the given layers with one pooling, computing only rows the cache lacks.
     *
     * @param modelId   identity of the weights (their SHA-256)
     * @return layer name -> [n, ...] FLOAT array, rows in the images' order
     */
    public Map<String, INDArray> features(ComputationGraph graph, String modelId, List<String> layers, Pooling pooling,
                                          ImageSet images, InputGeometry geometry, int batchSize) {
        List<Request> requests = layers.stream().map(l -> new Request(l, pooling)).toList();
        Result r = compute(graph, modelId, requests, images, geometry, batchSize, null);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Request q : requests) {
            out.put(q.layer(), r.features().get(q));
        }
        return out;
    }

    /** As {@link #features}, with a pooling per layer, counts of reuse, and optional progress lines. */
    public Result compute(ComputationGraph graph, String modelId, List<Request> requests, ImageSet images,
                          InputGeometry geometry, int batchSize, PrintWriter progress) {
        return compute(graph, modelId, requests, images, geometry, batchSize, progress, Long.MAX_VALUE);
    }

    /**
     * As above; a request whose rows for all the images would take more than materializeBytes is not
     * read into memory: {@link Result#rows} reads it from the cache on demand instead.
     */
    public Result compute(ComputationGraph graph, String modelId, List<Request> requests, ImageSet images,
                          InputGeometry geometry, int batchSize, PrintWriter progress, long materializeBytes) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize " + batchSize + " out of range; allowed >= 1");
        }
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("modelId must identify the weights (e.g. their SHA-256)");
        }
        checkLayers(graph, requests);
        int requestedBatch = batchSize;
        batchSize = memoryBoundBatch(graph, geometry.chw(), batchSize);
        if (progress != null && batchSize < requestedBatch) {
            progress.printf(java.util.Locale.ROOT, "  features: batches of %d images (not %d): a forward pass keeps every layer's"
                    + " activations, %s per image%n", batchSize, requestedBatch, (activationBytes(graph, geometry.chw()) >> 20) + " MB");
        }
        List<Request> unique = new ArrayList<>(new LinkedHashSet<>(requests));
        Map<Request, FeatureCacheStore> stores = new LinkedHashMap<>();
        for (Request q : unique) {
            FeatureCacheStore.Meta identity = new FeatureCacheStore.Meta(FORMAT_VERSION, modelId, q.layer(), q.pooling().name(),
                    geometry.toString(), null);
            stores.put(q, new FeatureCacheStore(folder(modelId, q, geometry), identity));
        }

        int n = images.size();
        if (remote != null && n > 0) {
            return remote(graph, modelId, requests, unique, stores, images, geometry, batchSize, progress, materializeBytes);
        }
        List<String> hashes = new ArrayList<>(n);
        List<String> pendingHashes = new ArrayList<>();
        List<float[]> pendingPixels = new ArrayList<>();
        Set<String> pendingSet = new java.util.HashSet<>();
        Unwritten unwritten = new Unwritten();
        int computed = 0;
        int reused = 0;
        long forwardNanos = 0;
        int lastReported = 0;
        long started = System.nanoTime();
        long decodeWaitNanos = 0;
        java.util.Iterator<io.transferadvisor.dataset.Prefetch.Chunk> chunks =
                io.transferadvisor.dataset.Prefetch.chunks(images, geometry, batchSize);
        while (chunks.hasNext()) {
            long tw = System.nanoTime();
            io.transferadvisor.dataset.Prefetch.Chunk chunk = chunks.next();
            decodeWaitNanos += System.nanoTime() - tw;
            for (int j = 0; j < chunk.pixels().length; j++) {
                int i = chunk.start() + j;
                float[] px = chunk.pixels()[j];
                String h = hash(px);
                hashes.add(h);
                boolean everywhere = true;
                for (FeatureCacheStore s : stores.values()) {
                    if (!s.contains(h)) {
                        everywhere = false;
                        break;
                    }
                }
                if (everywhere) {
                    reused++;
                } else if (pendingSet.add(h)) {
                    pendingHashes.add(h);
                    pendingPixels.add(px);
                }
                if (pendingHashes.size() >= batchSize) {
                    forwardNanos += forward(graph, stores, pendingHashes, pendingPixels, geometry, unwritten, batchSize);
                    computed += pendingHashes.size();
                    pendingHashes.clear();
                    pendingPixels.clear();
                    if (unwritten.bytes > WRITE_BUFFER_BYTES) {
                        unwritten.flush(stores);
                        pendingSet.clear();
                    }
                }
                if (progress != null && (i + 1 - lastReported >= 1000 || i + 1 == n)) {
                    // ETA from the images done so far (reused ones cost nearly nothing, so it is an upper bound early on)
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    String eta = i + 1 == n ? "" : ", ETA <= " + io.transferadvisor.util.Durations.compact(elapsed / (i + 1) * (n - i - 1));
                    progress.printf(java.util.Locale.ROOT, "  features: %d/%d images (%d reused)%s%n", i + 1, n, reused, eta);
                    progress.flush();
                    lastReported = i + 1;
                }
            }
        }
        if (!pendingHashes.isEmpty()) {
            forwardNanos += forward(graph, stores, pendingHashes, pendingPixels, geometry, unwritten, batchSize);
            computed += pendingHashes.size();
        }
        unwritten.flush(stores);
        return result(requests, stores, hashes, materializeBytes, reused, computed, forwardNanos / 1e9, decodeWaitNanos / 1e9, started);
    }

    private Result remote(ComputationGraph graph, String modelId, List<Request> requests, List<Request> unique,
                          Map<Request, FeatureCacheStore> stores, ImageSet images, InputGeometry geometry, int batchSize,
                          PrintWriter progress, long materializeBytes) {
        long started = System.nanoTime();
        Set<String> present = null;
        for (FeatureCacheStore s : stores.values()) {
            Set<String> h = s.hashes();
            if (present == null) {
                present = new java.util.HashSet<>(h);
            } else {
                present.retainAll(h);
            }
        }
        // The parts folder is this job's own: same weights, layers, geometry and image list.
        MessageDigest d = Hashing.sha256();
        d.update((modelId + "|" + geometry + "|" + unique + "|" + images.size()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < images.size(); i++) {
            d.update(images.describe(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            d.update((byte) 0);
        }
        Path partsDir = root.resolve("parts").resolve(Hashing.hex(d).substring(0, 24));
        FeatureParts.Job job = new FeatureParts.Job(FeatureParts.bytes(graph), images, geometry, unique, present, batchSize,
                remote.partImages(batchSize, images.size()), partsDir.toString(), io.transferadvisor.model.NativeBuild.numerics());
        if (progress != null) {
            progress.printf(java.util.Locale.ROOT, "  features: %d images in %d part%s on %s (%d already cached)%n", images.size(), job.parts(),
                    job.parts() == 1 ? "" : "s", remote.describe(), present.size());
            progress.flush();
        }
        List<FeatureParts.Outcome> outcomes = remote.run(job);
        List<String> hashes = FeatureParts.merge(job, outcomes, stores);
        int computed = 0;
        double forward = 0;
        for (FeatureParts.Outcome o : outcomes) {
            computed += o.computed();
            forward += o.forwardSeconds();
        }
        return result(requests, stores, hashes, materializeBytes, images.size() - computed, computed, forward, 0, started);
    }

    private static Result result(List<Request> requests, Map<Request, FeatureCacheStore> stores, List<String> hashes, long materializeBytes,
                                 int reused, int computed, double forwardSeconds, double decodeWaitSeconds, long started) {
        int n = hashes.size();
        Map<Request, INDArray> out = new LinkedHashMap<>();
        Map<Request, Rows> onDisk = new LinkedHashMap<>();
        for (Request q : requests) {
            FeatureCacheStore s = stores.get(q);
            if (n == 0) {
                out.put(q, Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 0));
                continue;
            }
            s.refresh();
            long[] rowShape = s.rowShape();
            onDisk.put(q, new Rows(s, List.copyOf(hashes), rowShape));
            long[] shape = new long[rowShape.length + 1];
            shape[0] = n;
            System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
            if (4L * n * s.rowLength() <= materializeBytes) {
                out.put(q, Nd4j.create(s.read(hashes), shape, 'c'));
            }
        }
        return new Result(out, onDisk, n, reused, computed, forwardSeconds, decodeWaitSeconds, (System.nanoTime() - started) / 1e9);
    }

    /** Bytes of activations a forward pass keeps per image, above which batches shrink (-Dadvisor.activationBytes=N overrides). */
    static long activationBudget() {
        String p = System.getProperty("advisor.activationBytes");
        return p != null && !p.isBlank() ? Long.parseLong(p.trim()) : 512L << 20;
    }

    /**
     * Bytes of all layers' activations for one example of the given shape ([c, h, w] images or [d] features):
     * feedForward keeps them all until the batch is done.
     */
    static long activationBytes(ComputationGraph graph, long[] rowShape) {
        var input = rowShape.length == 3 ? org.deeplearning4j.nn.conf.inputs.InputType.convolutional(rowShape[1], rowShape[2], rowShape[0])
                : org.deeplearning4j.nn.conf.inputs.InputType.feedForward(rowShape[0]);
        // on a copy: inferring the types adds preprocessors (and input sizes) to the configuration it is asked about
        var types = graph.getConfiguration().clone().getLayerActivationTypes(input);
        long floats = 0; // the types include the input vertex's
        for (var t : types.values()) {
            floats += t.arrayElementsPerExample();
        }
        return 4 * floats;
    }

    /**
     * The batch size that keeps a forward pass's activations within {@link #activationBudget()}, for examples of the
     * given shape; at least 1, at most the request. ResNet50 at 224x224 keeps 43 MB per image and SqueezeNet 28 MB, so
     * the cache's batch of 64 held 2.8 GB and 1.8 GB off-heap; evaluation and scoring use it too (their batch of 256
     * through SqueezeNet at 227x227 took a 20,000-image run to 5.4 GB resident under -Xmx2g).
     */
    public static int memoryBoundBatch(ComputationGraph graph, long[] rowShape, int requested) {
        long perImage;
        try {
            perImage = activationBytes(graph, rowShape);
        } catch (RuntimeException e) {
            return requested; // a graph whose types cannot be inferred at this shape fails in the forward pass, with its own message
        }
        return (int) Math.max(1, Math.min(requested, activationBudget() / Math.max(1, perImage)));
    }

    /**
     * One request's rows for a list of images, read from the cache files when asked (the page cache, not
     * the heap, holds them): what lets a frozen prefix's full feature maps for many images be trained on
     * with bounded memory.
     */
    public static final class Rows {
        private final FeatureCacheStore store;
        private final List<String> hashes;
        private final long[] rowShape;

        Rows(FeatureCacheStore store, List<String> hashes, long[] rowShape) {
            this.store = store;
            this.hashes = hashes;
            this.rowShape = rowShape.clone();
        }

        public int size() {
            return hashes.size();
        }

        public long[] rowShape() {
            return rowShape.clone();
        }

        /** Rows of images idx[from..to) (idx null: from..to), one after the other. */
        public float[] read(int[] idx, int from, int to) {
            List<String> want = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                want.add(hashes.get(idx == null ? i : idx[i]));
            }
            return store.read(want);
        }
    }

    /** The folder of one store (for tests and for `advisor` messages). */
    public Path folder(String modelId, Request q, InputGeometry geometry) {
        return root.resolve(safe(modelId, 64)).resolve(safe(q.layer(), 48) + "." + q.pooling().name().toLowerCase(java.util.Locale.ROOT) + "." + geometry);
    }

    /** Content key of one image: SHA-256 of its float32 pixels (little-endian), first 128 bits in hex. */
    public static String hash(float[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(4 * pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(pixels);
        MessageDigest d = Hashing.sha256();
        d.update(b.array());
        return HexFormat.of().formatHex(Arrays.copyOf(d.digest(), 16));
    }

    private static long forward(ComputationGraph graph, Map<Request, FeatureCacheStore> stores, List<String> hashes,
                                List<float[]> pixels, InputGeometry g, Unwritten unwritten, int batch) {
        return forwardPooled(graph, pixels, g, batch, stores.keySet(), (q, rows, rowShape) -> unwritten.add(q, hashes, rows, rowShape));
    }

    /** Receives one request's pooled rows of a batch. */
    @FunctionalInterface
    interface PooledRows {
        void accept(Request q, float[][] rows, long[] rowShape);
    }

    /**
     * One forward pass of images' fitted pixels (one [batch, c, h, w] input), every request pooled from it and handed
     * to sink; returns the nanoseconds spent in the network. The cache's own loop and a feature part's task both run it.
     * A short last batch is padded to {@code batch} with copies of its last image, whose rows are dropped: the native
     * kernels may take another code path for another batch size (AVX-512 oneDNN does, in the last bits), and an image's
     * features must not depend on how many images shared its pass (a cache filled in two runs equals one filled in one).
     */
    static long forwardPooled(ComputationGraph graph, List<float[]> pixels, InputGeometry g, int batch, java.util.Collection<Request> requests,
                              PooledRows sink) {
        int k = pixels.size();
        int n = Math.max(k, batch);
        float[] flat = new float[n * g.pixels()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pixels.get(Math.min(i, k - 1)), 0, flat, i * g.pixels(), g.pixels());
        }
        INDArray input = Nd4j.create(flat, new long[] {n, g.channels(), g.height(), g.width()}, 'c');
        long t0 = System.nanoTime();
        Map<String, INDArray> acts = graph.feedForward(input, false);
        long nanos = System.nanoTime() - t0;
        List<Request> order = List.copyOf(requests);
        List<INDArray> chosen = new ArrayList<>(order.size());
        for (Request q : order) {
            INDArray a = acts.get(q.layer());
            if (a == null) {
                throw new ModelException("layer '" + q.layer() + "' not found in the network");
            }
            Pooling.checkRank(a); // here, not in the parallel stream, which would wrap the message in another exception
            chosen.add(a);
        }
        // The requests are pooled on every core (ResNet50's 35 took 0.11 s of each 0.6 s batch on one), then handed
        // to the sink in order.
        List<float[][]> pooled = java.util.stream.IntStream.range(0, order.size()).parallel()
                .mapToObj(i -> Arrays.copyOf(order.get(i).pooling().rows(chosen.get(i)), k)).toList();
        for (int i = 0; i < order.size(); i++) {
            Request q = order.get(i);
            long[] shape = chosen.get(i).shape();
            sink.accept(q, pooled.get(i), q.pooling().rowShape(Arrays.copyOfRange(shape, 1, shape.length)));
        }
        return nanos;
    }

    /** Rows computed but not yet appended: written in large chunks so the disk syncs a few times per call, not per batch. */
    private static final class Unwritten {
        final Map<Request, List<String>> hashes = new LinkedHashMap<>();
        final Map<Request, List<float[]>> rows = new LinkedHashMap<>();
        final Map<Request, long[]> shapes = new LinkedHashMap<>();
        long bytes;

        void add(Request q, List<String> h, float[][] r, long[] shape) {
            hashes.computeIfAbsent(q, x -> new ArrayList<>()).addAll(h);
            List<float[]> list = rows.computeIfAbsent(q, x -> new ArrayList<>());
            for (float[] row : r) {
                list.add(row);
                bytes += 4L * row.length;
            }
            shapes.put(q, shape);
        }

        void flush(Map<Request, FeatureCacheStore> stores) {
            for (Map.Entry<Request, List<String>> e : hashes.entrySet()) {
                Request q = e.getKey();
                stores.get(q).append(e.getValue(), rows.get(q).toArray(new float[0][]), shapes.get(q));
            }
            hashes.clear();
            rows.clear();
            shapes.clear();
            bytes = 0;
        }
    }

    private static void checkLayers(ComputationGraph graph, List<Request> requests) {
        Set<String> names = new LinkedHashSet<>();
        for (var v : graph.getVertices()) {
            names.add(v.getVertexName());
        }
        for (Request q : requests) {
            if (!names.contains(q.layer()) || graph.getConfiguration().getNetworkInputs().contains(q.layer())) {
                List<String> valid = new ArrayList<>(names);
                valid.removeAll(graph.getConfiguration().getNetworkInputs());
                throw new ModelException("layer '" + q.layer() + "' not found in the network; valid: " + String.join(", ", valid));
            }
        }
    }

    private static String safe(String s, int max) {
        String clean = s.replaceAll("[^A-Za-z0-9_-]", "_");
        if (clean.equals(s) && clean.length() <= max) {
            return clean;
        }
        // Different raw names must not share a folder: add a short hash of the raw name.
        String tag = Hashing.sha256(s).substring(0, 8);
        return clean.substring(0, Math.min(clean.length(), max - 9)) + "-" + tag;
    }
}

package io.transferadvisor.features;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.model.NativeBuild;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Hashing;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Feature extraction cut into parts that run anywhere (a Spark executor, or this JVM) and meet in
 * the feature cache: each part is a fixed range of the images; its task decodes them, hashes them
 * as the cache does, runs the images no store holds through the network and writes the rows to one
 * part file, atomically (a temporary renamed over the target). The driver then appends every part's
 * rows to the cache's stores ({@link #merge}) and deletes the parts.
 *
 * <p>What this buys: a killed or retried task leaves no half part (only a temporary, never read); a
 * rerun after a crash reuses every part already written (its images are decoded and hashed again and
 * must match, so a changed image or preprocessing is recomputed, never trusted); and whatever ran a
 * part, the cache ends up with the same rows, keyed the same way, as the single-machine path writes.
 * Parts hold a whole number of forward batches, so when no image is cached each batch holds the very
 * images it holds on one machine.
 */
public final class FeatureParts {
    private FeatureParts() {}

    private static final byte[] MAGIC = "TAPART01".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int END = 0x454E4421; // "END!"

    /**
     * What every part task needs: shipped once to each executor.
     *
     * @param network    the frozen network, as {@link ModelSerializer} bytes (no updater)
     * @param images     the images, preprocessed for the network (decoded by the task)
     * @param requests   layers and poolings to collect, each once
     * @param present    content hashes every requested store already holds: those images skip the network
     * @param batchSize  forward batch (already bounded by activation memory)
     * @param partImages images per part: a multiple of batchSize
     * @param partsDir   where part files go (storage every executor can write and the driver can read)
     * @param numerics   the driver's {@link NativeBuild#numerics()}: rows computed on another path would not
     *                   match the cache's key, so a task on another build fails instead
     */
    public record Job(byte[] network, ImageSet images, InputGeometry geometry, List<FeatureCache.Request> requests,
                      Set<String> present, int batchSize, int partImages, String partsDir, String numerics) implements Serializable {
        public Job {
            if (batchSize < 1 || partImages < batchSize || partImages % batchSize != 0) {
                throw new IllegalArgumentException("part of " + partImages + " images must be a positive multiple of the batch " + batchSize);
            }
            requests = List.copyOf(requests);
            present = Set.copyOf(present);
        }

        public int parts() {
            return (images.size() + partImages - 1) / partImages;
        }

        /** Identity of the network bytes, for executors that keep one deserialized copy per job. */
        public String networkId() {
            return Hashing.sha256(network).substring(0, 16);
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "FeatureParts.Job[" + images.size() + " images, " + parts() + " parts, " + requests.size() + " requests]";
        }
    }

    /** What one part task reports back (small: the rows stay in the part file). */
    public record Outcome(int part, List<String> hashes, int computed, boolean reused, double forwardSeconds) implements Serializable {}

    /** The network of a job, as the task deserializes it. */
    public static ComputationGraph network(Job job) {
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(job.network()), false);
        } catch (IOException e) {
            throw new ModelException("the network shipped to a feature task does not load: " + e.getMessage(), e);
        }
    }

    /** A network as job bytes (configuration and parameters, no updater state). */
    public static byte[] bytes(ComputationGraph graph) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(graph, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** File of part p. */
    public static Path partFile(Job job, int part) {
        return Path.of(job.partsDir()).resolve(String.format(Locale.ROOT, "part-%06d.bin", part));
    }

    /**
     * The task body: part p's content hashes, with its rows in its part file. A part file already
     * there whose images hash the same is reused without running the network.
     */
    public static Outcome compute(ComputationGraph graph, Job job, int part) {
        int n = job.images().size();
        int from = part * job.partImages();
        int to = Math.min(n, from + job.partImages());
        if (from >= to) {
            throw new IllegalArgumentException("part " + part + " out of range; the job has " + job.parts());
        }
        String here = NativeBuild.numerics();
        if (!here.equals(job.numerics())) {
            throw new ModelException("a feature task runs on numerics '" + here + "' but the driver on '" + job.numerics()
                    + "'; their features differ in the last bits and would be cached under the driver's key: give executors the same"
                    + " ND4J build (the same jars and CPU flags)");
        }
        Path file = partFile(job, part);
        List<String> existing = readHashes(file);
        if (existing != null) {
            List<String> hashes = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                hashes.add(FeatureCache.hash(job.images().fittedPixels(i, job.geometry())));
            }
            if (hashes.equals(existing)) {
                return new Outcome(part, hashes, 0, true, 0);
            }
        }
        List<String> hashes = new ArrayList<>(to - from);
        List<Integer> computedAt = new ArrayList<>();
        Map<FeatureCache.Request, List<float[]>> rows = new LinkedHashMap<>();
        Map<FeatureCache.Request, long[]> shapes = new LinkedHashMap<>();
        java.util.Set<String> pending = new java.util.HashSet<>();
        List<float[]> batch = new ArrayList<>();
        long nanos = 0;
        for (int i = from; i < to; i++) {
            float[] px = job.images().fittedPixels(i, job.geometry());
            String h = FeatureCache.hash(px);
            hashes.add(h);
            if (!job.present().contains(h) && pending.add(h)) {
                computedAt.add(i - from);
                batch.add(px);
                if (batch.size() == job.batchSize()) {
                    nanos += forward(graph, job, batch, rows, shapes);
                    batch.clear();
                }
            }
        }
        if (!batch.isEmpty()) {
            nanos += forward(graph, job, batch, rows, shapes);
        }
        write(file, hashes, computedAt, job.requests(), shapes, rows);
        return new Outcome(part, hashes, computedAt.size(), false, nanos / 1e9);
    }

    private static long forward(ComputationGraph graph, Job job, List<float[]> batch, Map<FeatureCache.Request, List<float[]>> rows,
                                Map<FeatureCache.Request, long[]> shapes) {
        return FeatureCache.forwardPooled(graph, batch, job.geometry(), job.batchSize(), job.requests(), (q, r, rowShape) -> {
            shapes.put(q, rowShape);
            rows.computeIfAbsent(q, x -> new ArrayList<>()).addAll(Arrays.asList(r));
        });
    }

    /*
     * Part file: MAGIC, int images, images x 16-byte hash, int requests, per request (layer, pooling,
     * int rank, rank x long dim), int computed, computed x int (index in the part), then per computed
     * image per request its row of floats, then END. Written to a temporary and renamed: a reader sees
     * a whole part or none.
     */
    private static void write(Path file, List<String> hashes, List<Integer> computedAt, List<FeatureCache.Request> requests,
                              Map<FeatureCache.Request, long[]> shapes, Map<FeatureCache.Request, List<float[]>> rows) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new io.transferadvisor.util.OutputException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
        }
        HexFormat hex = HexFormat.of();
        AtomicFiles.write(file, os -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.write(MAGIC);
            out.writeInt(hashes.size());
            for (String h : hashes) {
                out.write(hex.parseHex(h));
            }
            out.writeInt(requests.size());
            for (FeatureCache.Request q : requests) {
                out.writeUTF(q.layer());
                out.writeUTF(q.pooling().name());
                long[] shape = shapes.getOrDefault(q, new long[0]);
                out.writeInt(shape.length);
                for (long d : shape) {
                    out.writeLong(d);
                }
            }
            out.writeInt(computedAt.size());
            for (int c : computedAt) {
                out.writeInt(c);
            }
            for (int c = 0; c < computedAt.size(); c++) {
                for (FeatureCache.Request q : requests) {
                    float[] row = rows.get(q).get(c);
                    ByteBuffer bytes = ByteBuffer.allocate(4 * row.length); // big-endian, as writeFloat wrote each value
                    bytes.asFloatBuffer().put(row);
                    out.write(bytes.array());
                }
            }
            out.writeInt(END);
            out.flush();
        });
    }

    /** A part's content hashes, or null when there is no part file (or it is not a whole part). */
    static List<String> readHashes(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            return header(in, file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalStateException e) {
            return null; // not a part this code wrote whole: recompute it
        }
    }

    private static List<String> header(DataInputStream in, Path file) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalStateException(file + " is not a feature part");
        }
        int n = in.readInt();
        HexFormat hex = HexFormat.of();
        List<String> hashes = new ArrayList<>(n);
        byte[] h = new byte[16];
        for (int i = 0; i < n; i++) {
            in.readFully(h);
            hashes.add(hex.formatHex(h));
        }
        return hashes;
    }

    /**
     * Appends every part's rows to the stores (rows a store already holds are skipped), checking that each
     * part holds what its task reported, then deletes the parts folder. Returns the images' hashes in order.
     */
    static List<String> merge(Job job, List<Outcome> outcomes, Map<FeatureCache.Request, FeatureCacheStore> stores) {
        Outcome[] byPart = new Outcome[job.parts()];
        for (Outcome o : outcomes) {
            byPart[o.part()] = o; // each task checked its numerics against the driver's before it ran
        }
        List<String> all = new ArrayList<>(job.images().size());
        for (int p = 0; p < byPart.length; p++) {
            if (byPart[p] == null) {
                throw new IllegalStateException("feature part " + p + " of " + byPart.length + " was not computed");
            }
            Path file = partFile(job, p);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                List<String> hashes = header(in, file);
                if (!hashes.equals(byPart[p].hashes())) {
                    throw new IllegalStateException(file + " holds other images than its task reported (another job wrote it?)");
                }
                int nreq = in.readInt();
                List<FeatureCache.Request> reqs = new ArrayList<>(nreq);
                List<long[]> shapes = new ArrayList<>(nreq);
                int[] rowLength = new int[nreq];
                for (int r = 0; r < nreq; r++) {
                    reqs.add(new FeatureCache.Request(in.readUTF(), Pooling.valueOf(in.readUTF())));
                    long[] shape = new long[in.readInt()];
                    long length = 1;
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = in.readLong();
                        length *= shape[d];
                    }
                    shapes.add(shape);
                    rowLength[r] = Math.toIntExact(length);
                }
                int computed = in.readInt();
                int[] at = new int[computed];
                for (int c = 0; c < computed; c++) {
                    at[c] = in.readInt();
                }
                List<List<String>> h = new ArrayList<>();
                List<float[][]> rows = new ArrayList<>();
                for (int r = 0; r < nreq; r++) {
                    h.add(new ArrayList<>(computed));
                    rows.add(new float[computed][]);
                }
                for (int c = 0; c < computed; c++) {
                    for (int r = 0; r < nreq; r++) {
                        float[] row = new float[rowLength[r]];
                        byte[] bytes = new byte[4 * row.length];
                        in.readFully(bytes);
                        ByteBuffer.wrap(bytes).asFloatBuffer().get(row); // big-endian, as readFloat read each value
                        rows.get(r)[c] = row;
                        h.get(r).add(hashes.get(at[c]));
                    }
                }
                if (in.readInt() != END) {
                    throw new IllegalStateException(file + " is truncated");
                }
                for (int r = 0; r < nreq; r++) {
                    FeatureCacheStore s = stores.get(reqs.get(r));
                    if (s == null) {
                        throw new IllegalStateException(file + " holds rows of " + reqs.get(r) + ", which the job did not request");
                    }
                    if (computed > 0) {
                        s.append(h.get(r), rows.get(r), shapes.get(r));
                    }
                }
                all.addAll(hashes);
            } catch (EOFException e) {
                throw new IllegalStateException(file + " is truncated", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read feature part " + file + ": " + e.getMessage(), e);
            }
        }
        if (Files.isDirectory(Path.of(job.partsDir()))) {
            io.transferadvisor.util.Trees.deleteTree(Path.of(job.partsDir()));
        }
        return all;
    }
}

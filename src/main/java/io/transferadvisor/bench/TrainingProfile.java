package io.transferadvisor.bench;

import io.transferadvisor.execute.TrainData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the time of one training iteration goes on a DL4J ComputationGraph: per-layer forward and
 * backward time (a hand-driven pass over the graph's vertices, same calls as fit()), the data
 * pipeline (batch assembly) vs fit(), JFR execution and native-method samples of the fit loop, and
 * side-by-side throughput of cheap configuration levers (workspace mode, data format, threads, batch).
 */
public final class TrainingProfile {
    private TrainingProfile() {}

    /** One row of a time-share table. */
    public record Share(String name, double seconds, double share) {
        public Share {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must be non-blank");
            }
            if (!(seconds >= 0)) {
                throw new IllegalArgumentException("seconds must be >= 0, got " + seconds);
            }
            if (!(share >= 0 && share <= 1 + 1e-9)) {
                throw new IllegalArgumentException("share must be in [0, 1], got " + share);
            }
        }
    }

    /** Shares of the total, in the map's order; a zero total gives zero shares. */
    public static List<Share> shares(Map<String, Double> seconds) {
        double total = 0;
        for (double v : seconds.values()) {
            if (!(v >= 0)) {
                throw new IllegalArgumentException("seconds must be >= 0, got " + v);
            }
            total += v;
        }
        List<Share> out = new ArrayList<>();
        for (var e : seconds.entrySet()) {
            out.add(new Share(e.getKey(), e.getValue(), total == 0 ? 0 : e.getValue() / total));
        }
        return out;
    }

    /** Markdown table: name, milliseconds per iteration, share in percent; plus a total row. */
    public static String table(String header, List<Share> rows, int iterations) {
        if (iterations <= 0) {
            throw new IllegalArgumentException("iterations must be > 0, got " + iterations);
        }
        StringBuilder sb = new StringBuilder("| " + header + " | ms per iteration | share |\n|---|---:|---:|\n");
        double total = 0;
        for (Share s : rows) {
            sb.append(String.format(java.util.Locale.ROOT, "| %s | %.2f | %.1f%% |%n", s.name(), 1000 * s.seconds() / iterations, 100 * s.share()));
            total += s.seconds();
        }
        sb.append(String.format(java.util.Locale.ROOT, "| **total** | %.2f | 100.0%% |%n", 1000 * total / iterations));
        return sb.toString();
    }

    /** Counts per key, most frequent first, at most {@code top} entries (ties by name). */
    public static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int top) {
        return counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(top).toList();
    }

    /** Op kind of a layer for the per-kind table, from its configuration class (e.g. ConvolutionLayer -> conv). */
    public static String kind(String layerConfClass) {
        return switch (layerConfClass) {
            case "ConvolutionLayer", "Convolution2D" -> "conv (im2col + GEMM)";
            case "BatchNormalization" -> "batch norm";
            case "SubsamplingLayer" -> "pooling";
            case "ActivationLayer" -> "activation (ReLU)";
            case "DenseLayer" -> "dense (GEMM)";
            case "OutputLayer", "LossLayer" -> "output (softmax + loss)";
            default -> layerConfClass;
        };
    }

    // ---------------------------------------------------------------- measurement

    /** Per-vertex forward/backward seconds summed over the iterations, in topological order. */
    public record LayerTimes(Map<String, Double> forward, Map<String, Double> backward, Map<String, String> kinds, int iterations) {}

    /** A fresh copy of the graph from its configuration and parameters (fresh updater state). */
    public static ComputationGraph copy(ComputationGraphConfiguration conf, INDArray params) {
        ComputationGraph g = new ComputationGraph(conf.clone());
        g.init(params.dup(), true);
        return g;
    }

    /** The configuration with the given training/inference workspace mode. */
    public static ComputationGraphConfiguration withWorkspaces(ComputationGraphConfiguration conf, WorkspaceMode mode) {
        ComputationGraphConfiguration c = conf.clone();
        c.setTrainingWorkspaceMode(mode);
        c.setInferenceWorkspaceMode(mode);
        return c;
    }

    /**
     * The configuration with channels-last convolutions, pooling and batch norm; the flatten before
     * the dense layer reads NHWC (so its order differs: dense weights see HWC order, results are not
     * comparable with the NCHW net; this variant measures speed only). Input must be permuted to NHWC.
     */
    public static ComputationGraphConfiguration channelsLast(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = conf.clone();
        for (var v : c.getVertices().values()) {
            if (v instanceof LayerVertex lv) {
                var l = lv.getLayerConf().getLayer();
                if (l instanceof ConvolutionLayer cl) {
                    cl.setCnn2dDataFormat(CNN2DFormat.NHWC);
                } else if (l instanceof SubsamplingLayer s) {
                    s.setCnn2dDataFormat(CNN2DFormat.NHWC);
                } else if (l instanceof BatchNormalization b) {
                    b.setCnn2DFormat(CNN2DFormat.NHWC);
                }
                InputPreProcessor p = lv.getPreProcessor();
                if (p instanceof CnnToFeedForwardPreProcessor cf) {
                    lv.setPreProcessor(new CnnToFeedForwardPreProcessor(cf.getInputHeight(), cf.getInputWidth(), cf.getNumChannels(),
                            CNN2DFormat.NHWC));
                }
            }
        }
        return c;
    }

    /** Shuffled batches (images, one-hot labels) drawn from the data with a fixed seed. */
    public static final class Batches {
        private final TrainData data;
        private final int classes;
        private final int batch;
        private final int[] perm;
        private int pos;
        private final boolean nhwc;

        public Batches(TrainData data, int classes, int batch, long seed, boolean nhwc) {
            this.data = data;
            this.classes = classes;
            this.batch = batch;
            this.nhwc = nhwc;
            int n = data.size();
            perm = io.transferadvisor.util.Shuffle.permutation(n, new Random(seed));
        }

        public DataSet next() {
            if (pos + batch > perm.length) {
                pos = 0;
            }
            int from = pos;
            int to = pos + batch;
            pos = to;
            INDArray x = data.batch(data.rows(perm, from, to), batch);
            if (nhwc) {
                x = x.permute(0, 2, 3, 1).dup('c');
            }
            float[] y = new float[batch * classes];
            for (int i = from; i < to; i++) {
                y[(i - from) * classes + data.labels()[perm[i]]] = 1;
            }
            return new DataSet(x, Nd4j.create(y, new long[] {batch, classes}, 'c'));
        }
    }

    /** Seconds spent in batch assembly and in fit() over {@code iterations} iterations. */
    public record PipelineSplit(double assembly, double fit, int iterations) {}

    public static PipelineSplit pipeline(ComputationGraph net, Batches batches, int iterations) {
        long asm = 0;
        long fit = 0;
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            DataSet ds = batches.next();
            long t1 = System.nanoTime();
            net.fit(ds);
            long t2 = System.nanoTime();
            asm += t1 - t0;
            fit += t2 - t1;
        }
        return new PipelineSplit(asm / 1e9, fit / 1e9, iterations);
    }

    /**
     * Forward then backward through every layer vertex in topological order, timing each vertex's
     * doForward and doBackward (the calls fit() makes), without workspaces and without the update.
     * Requires a chain (each vertex has one input), as fmnist-cnn is.
     */
    public static LayerTimes layerTimes(ComputationGraph net, Batches batches, int iterations) {
        GraphVertex[] vertices = net.getVertices();
        int[] order = net.topologicalSortOrder();
        Map<String, Double> fwd = new LinkedHashMap<>();
        Map<String, Double> bwd = new LinkedHashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        List<GraphVertex> chain = new ArrayList<>();
        for (int idx : order) {
            GraphVertex v = vertices[idx];
            if (v.isInputVertex()) {
                continue;
            }
            if (v.getNumInputArrays() != 1) {
                throw new IllegalArgumentException("vertex " + v.getVertexName() + " has " + v.getNumInputArrays()
                        + " inputs; the per-layer profile handles chains only");
            }
            chain.add(v);
            fwd.put(v.getVertexName(), 0.0);
            bwd.put(v.getVertexName(), 0.0);
            Layer l = v.getLayer();
            kinds.put(v.getVertexName(), l == null ? v.getClass().getSimpleName() : kind(l.conf().getLayer().getClass().getSimpleName()));
        }
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        for (int it = 0; it < iterations; it++) {
            DataSet ds = batches.next();
            INDArray a = ds.getFeatures();
            for (GraphVertex v : chain) {
                v.setInput(0, a, mgr);
                long t0 = System.nanoTime();
                a = v.doForward(true, mgr);
                fwd.merge(v.getVertexName(), (System.nanoTime() - t0) / 1e9, Double::sum);
            }
            INDArray eps = null;
            for (int i = chain.size() - 1; i >= 0; i--) {
                GraphVertex v = chain.get(i);
                if (v.isOutputVertex()) {
                    ((IOutputLayer) v.getLayer()).setLabels(ds.getLabels());
                } else {
                    v.setEpsilon(eps);
                }
                long t0 = System.nanoTime();
                var r = v.doBackward(false, mgr);
                bwd.merge(v.getVertexName(), (System.nanoTime() - t0) / 1e9, Double::sum);
                eps = r.getSecond()[0];
            }
            for (GraphVertex v : chain) {
                v.clear();
            }
        }
        return new LayerTimes(fwd, bwd, kinds, iterations);
    }

    /** JFR samples of a fit loop: top Java frames, top native methods, and the DL4J layer class on the stack. */
    public record Samples(Map<String, Integer> javaTop, Map<String, Integer> nativeTop, Map<String, Integer> layerOnStack, int total) {}

    public static Samples sampled(ComputationGraph net, Batches batches, int iterations, Path tmp) throws IOException {
        Path file = tmp.resolve("profile.jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
            r.start();
            for (int i = 0; i < iterations; i++) {
                net.fit(batches.next());
            }
            r.stop();
            r.dump(file);
        }
        Map<String, Integer> javaTop = new LinkedHashMap<>();
        Map<String, Integer> nativeTop = new LinkedHashMap<>();
        Map<String, Integer> layer = new LinkedHashMap<>();
        int total = 0;
        String me = Thread.currentThread().getName();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getStackTrace() == null || e.getThread("sampledThread") == null
                    || !me.equals(e.getThread("sampledThread").getJavaName())) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            total++;
            String top = frames.get(0).getMethod().getType().getName() + "." + frames.get(0).getMethod().getName();
            (e.getEventType().getName().equals("jdk.NativeMethodSample") ? nativeTop : javaTop).merge(top, 1, Integer::sum);
            String owner = "(no DL4J layer on stack)";
            for (RecordedFrame f : frames) {
                String c = f.getMethod().getType().getName();
                if (c.startsWith("org.deeplearning4j.nn.layers.") || c.startsWith("org.deeplearning4j.nn.updater.")) {
                    owner = c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
                    break;
                }
            }
            layer.merge(owner, 1, Integer::sum);
        }
        Files.deleteIfExists(file);
        return new Samples(javaTop, nativeTop, layer, total);
    }

    /** Images per second of {@code iterations} fit() calls after {@code warmup} untimed ones. */
    public static double throughput(ComputationGraph net, Batches batches, int warmup, int iterations, int batch) {
        for (int i = 0; i < warmup; i++) {
            net.fit(batches.next());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            net.fit(batches.next());
        }
        return (double) iterations * batch / ((System.nanoTime() - t0) / 1e9);
    }
}

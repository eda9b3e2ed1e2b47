package io.transferadvisor.bench;

import io.transferadvisor.bench.TrainingProfile.Batches;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.TrainData;
import io.transferadvisor.model.FmnistCnn;
import io.transferadvisor.util.Home;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** `advisor bench profile`: where DL4J's training time goes on fmnist-cnn, and which cheap settings change it. */
public final class ProfileBench {
    private ProfileBench() {}

    /**
     * Runs the profile and returns the Markdown; progress lines (settings, each variant's speed) go to {@code w}.
     *
     * @param iterations timed iterations per measurement
     * @param warmup     untimed iterations before each measurement
     * @param rounds     rounds of the variant comparison (the best is reported)
     */
    public static String run(int iterations, int warmup, int rounds, PrintWriter w) throws Exception {
        double loadAtStart = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int batch = 64;
        DatasetSpec s = SpecReader.read(Home.dir().resolve("examples/fashion-large.yaml"));
        LoadedDataset data = DatasetLoader.load(s);
        TrainData train = TrainData.load(data.train(), FmnistCnn.INPUT);
        int k = data.classNames().size();
        // as the tool runs it: oneDNN layer helpers on (unless ADVISOR_ONEDNN=0); the plain path is a lever below
        String oneDnnNotice = io.transferadvisor.model.OneDnn.apply();
        if (oneDnnNotice != null) {
            w.println("note: " + oneDnnNotice);
        }
        ComputationGraph source = ComputationGraph.load(Home.profiles().resolve(FmnistCnn.NAME + ".zip").toFile(), false);
        int outputs = (int) source.getOutputLayer(0).getParam("b").length();
        if (outputs != k) {
            throw new io.transferadvisor.execute.TrainingException("fmnist-cnn has " + outputs + " outputs but the data has " + k
                    + " classes; the profile reuses the 5-way output layer as the new head");
        }
        ComputationGraphConfiguration conf = source.getConfiguration();
        INDArray params = source.params();
        var env = Nd4j.getEnvironment();
        int threads0 = env.maxThreads();
        int master0 = env.maxMasterThreads();
        int blas0 = Nd4j.factory().blas().getMaxThreads();
        String settings = String.format(java.util.Locale.ROOT, "OMP_NUM_THREADS=%s, Nd4j.getEnvironment().getMaxThreads()=%d, getMaxMasterThreads()=%d, "
                        + "BLAS (OpenBLAS) getMaxThreads()=%d, workspace mode (training) of the saved model=%s, network data type %s "
                        + "(parameters %s), platform helpers allowed %s, oneDNN layer helpers %s, ND4J debug %s / verbose %s / profiling %s, op profiling mode %s",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"), threads0, master0, blas0,
                conf.getTrainingWorkspaceMode(), conf.getDataType(), params.dataType(), env.helpersAllowed(),
                io.transferadvisor.model.OneDnn.active(), env.isDebug(),
                env.isVerbose(), env.isProfiling(), Nd4j.getExecutioner().getProfilingMode());
        w.println("settings: " + settings);
        w.flush();

        // 1. per-layer forward/backward, hand-driven (no update)
        ComputationGraph net = TrainingProfile.copy(conf, params);
        TrainingProfile.throughput(net, new Batches(train, k, batch, 1, false), warmup, 0, batch);
        var lt = TrainingProfile.layerTimes(net, new Batches(train, k, batch, 2, false), iterations);
        // 2. data pipeline vs fit, and JFR samples of the same fit loop
        net = TrainingProfile.copy(conf, params);
        TrainingProfile.throughput(net, new Batches(train, k, batch, 3, false), warmup, 0, batch);
        var split = TrainingProfile.pipeline(net, new Batches(train, k, batch, 4, false), iterations);
        Path tmp = Files.createTempDirectory("bench-profile");
        TrainingProfile.Samples samples;
        try {
            samples = TrainingProfile.sampled(net, new Batches(train, k, batch, 5, false), iterations, tmp);
        } finally {
            io.transferadvisor.util.Trees.deleteTree(tmp);
        }
        w.printf(java.util.Locale.ROOT, "per-layer pass and pipeline split done (fit %.1f ms/iteration)%n", 1000 * split.fit() / iterations);
        w.flush();

        // 3. levers side by side
        record Variant(String name, ComputationGraphConfiguration conf, boolean nhwc, int batch, int threads, int master, boolean comparable,
                       boolean helpers, boolean noProfiling, int blas, boolean oneDnn) {
            Variant(String name, ComputationGraphConfiguration conf, boolean nhwc, int batch, int threads, int master, boolean comparable) {
                this(name, conf, nhwc, batch, threads, master, comparable, true, false, threads, true);
            }
        }
        boolean helpers0 = env.helpersAllowed();
        var profiling0 = Nd4j.getExecutioner().getProfilingMode();
        List<Variant> variants = List.of(
                new Variant("baseline (as saved, NCHW, batch 64, " + threads0 + " threads)", conf, false, batch, threads0, master0, true),
                new Variant("workspaces NONE", TrainingProfile.withWorkspaces(conf, WorkspaceMode.NONE), false, batch, threads0, master0, true),
                new Variant("workspaces ENABLED", TrainingProfile.withWorkspaces(conf, WorkspaceMode.ENABLED), false, batch, threads0, master0, true),
                new Variant("NHWC (channels-last) conv/BN/pool", TrainingProfile.channelsLast(conf), true, batch, threads0, master0, false),
                new Variant("1 thread (ND4J max threads + BLAS)", conf, false, batch, 1, master0, true),
                new Variant("ND4J max threads 1, BLAS 2", conf, false, batch, 1, master0, true, true, false, blas0, true),
                new Variant("ND4J max threads 2, BLAS 1", conf, false, batch, threads0, master0, true, true, false, 1, true),
                new Variant("maxMasterThreads 1", conf, false, batch, threads0, 1, true),
                new Variant("platform helpers off (allowHelpers false)", conf, false, batch, threads0, master0, true, false, false, blas0, true),
                new Variant("oneDNN layer helpers off (plain path, ADVISOR_ONEDNN=0)", conf, false, batch, threads0, master0, true, true, false,
                        blas0, false),
                new Variant("ND4J op profiling mode DISABLED (default " + profiling0 + ")", conf, false, batch, threads0, master0, true,
                        true, true, blas0, true),
                new Variant("batch 128", conf, false, 128, threads0, master0, false));
        Map<String, Double> best = new LinkedHashMap<>();
        Map<String, Double> diff = new LinkedHashMap<>();
        INDArray reference = null;
        try {
            for (int round = 0; round < rounds; round++) {
                for (Variant v : variants) {
                    env.setMaxThreads(v.threads());
                    Nd4j.factory().blas().setMaxThreads(v.blas());
                    env.setMaxMasterThreads(v.master());
                    env.allowHelpers(v.helpers() && helpers0);
                    Nd4j.getExecutioner().setProfilingMode(v.noProfiling()
                            ? org.nd4j.linalg.api.ops.executioner.OpExecutioner.ProfilingMode.DISABLED : profiling0);
                    // the helpers are chosen when the layers are created
                    ComputationGraph g = v.oneDnn() ? TrainingProfile.copy(v.conf(), params)
                            : io.transferadvisor.model.OneDnn.plain(() -> TrainingProfile.copy(v.conf(), params));
                    int it = Math.max(1, iterations * batch / v.batch());
                    double ips = TrainingProfile.throughput(g, new Batches(train, k, v.batch(), 7, v.nhwc()), warmup, it, v.batch());
                    best.merge(v.name(), ips, Math::max);
                    if (round == 0 && v.comparable()) {
                        INDArray p = g.params();
                        if (reference == null) {
                            reference = p.dup();
                        }
                        diff.put(v.name(), p.sub(reference).amaxNumber().doubleValue());
                    }
                    w.printf(java.util.Locale.ROOT, "round %d  %-45s %6.0f img/s%n", round + 1, v.name(), ips);
                    w.flush();
                }
            }
        } finally {
            env.setMaxThreads(threads0);
            Nd4j.factory().blas().setMaxThreads(blas0);
            env.setMaxMasterThreads(master0);
            env.allowHelpers(helpers0);
            Nd4j.getExecutioner().setProfilingMode(profiling0);
        }

        StringBuilder md = new StringBuilder(BenchReport.header("where DL4J spends fmnist-cnn training time",
                "advisor bench profile --iterations " + iterations + " --warmup " + warmup + " --rounds " + rounds,
                "DL4J 1.0.0-M2.1 (nd4j-native, OpenBLAS), load average at start " + String.format(java.util.Locale.ROOT, "%.1f", loadAtStart)));
        md.append("Model: profiles/fmnist-cnn.zip, all layers trainable, its 5-way head retrained on Fashion-MNIST classes 5-9 (")
                .append(train.size()).append(" training images of examples/fashion-large.yaml), batch ").append(batch)
                .append(", ").append(iterations).append(" timed iterations after ").append(warmup).append(" warm-up.  \n");
        md.append("Thread settings in effect: ").append(settings).append(".\n\n");

        md.append("## Data pipeline vs network\n\n");
        md.append(TrainingProfile.table("part", TrainingProfile.shares(orderedMap(
                "batch assembly (row copy, INDArray, one-hot labels)", split.assembly(), "net.fit()", split.fit())), iterations));

        md.append("\n## Per layer (hand-driven forward + backward, no update, no workspaces)\n\n");
        Map<String, Double> perLayer = new LinkedHashMap<>();
        Map<String, Double> perKind = new LinkedHashMap<>();
        for (String name : lt.forward().keySet()) {
            perLayer.put(name + " forward", lt.forward().get(name));
        }
        for (String name : lt.backward().keySet()) {
            perLayer.put(name + " backward", lt.backward().get(name));
        }
        for (String name : lt.forward().keySet()) {
            perKind.merge(lt.kinds().get(name) + " forward", lt.forward().get(name), Double::sum);
        }
        for (String name : lt.backward().keySet()) {
            perKind.merge(lt.kinds().get(name) + " backward", lt.backward().get(name), Double::sum);
        }
        double passSeconds = perLayer.values().stream().mapToDouble(Double::doubleValue).sum();
        md.append(String.format(java.util.Locale.ROOT, "By op kind. fit() takes %.2f ms per iteration, the hand-driven forward+backward pass %.2f ms", 
                1000 * split.fit() / iterations, 1000 * passSeconds / iterations));
        if (split.fit() > passSeconds) {
            md.append(String.format(java.util.Locale.ROOT, "; the remainder, %.2f ms (%.0f%% of fit), is the Adam update, score and graph/workspace bookkeeping",
                    1000 * (split.fit() - passSeconds) / iterations, 100 * (split.fit() - passSeconds) / split.fit()));
        }
        md.append(".\n");
        md.append("(The hand-driven pass runs without workspaces, so it allocates every buffer and can be slower than fit() itself; "
                + "read its shares, and the JFR table below for the real fit() loop.)\n\n");
        md.append(TrainingProfile.table("op kind", TrainingProfile.shares(sortedDesc(perKind)), iterations));
        md.append("\nPer vertex:\n\n");
        md.append(TrainingProfile.table("vertex", TrainingProfile.shares(sortedDesc(perLayer)), iterations));

        md.append("\n## JFR samples of the fit loop (training thread, 10 ms period, ").append(samples.total()).append(" samples)\n\n");
        md.append("Samples in native code (the JNI entry point the training thread is blocked in; ND4J's OpenMP/BLAS worker threads "
                + "are not Java threads and are not sampled):\n\n| native method | samples |\n|---|---:|\n");
        for (var e : TrainingProfile.top(samples.nativeTop(), 10)) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        }
        md.append("\nSamples in Java code:\n\n| top Java frame | samples |\n|---|---:|\n");
        for (var e : TrainingProfile.top(samples.javaTop(), 10)) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        }
        md.append("\nAll samples by the innermost DL4J layer/updater method on the stack:\n\n| DL4J method | samples |\n|---|---:|\n");
        for (var e : TrainingProfile.top(samples.layerOnStack(), 12)) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        }

        md.append("\n## Cheap levers, side by side (best of ").append(rounds).append(" rounds, same run)\n\n");
        md.append("| variant | images/s | ratio to baseline | max abs parameter difference after the run vs baseline |\n|---|---:|---:|---:|\n");
        double base = best.get(variants.get(0).name());
        for (Variant v : variants) {
            md.append(String.format(java.util.Locale.ROOT, "| %s | %.0f | %.2f | %s |%n", v.name(), best.get(v.name()), best.get(v.name()) / base,
                    diff.containsKey(v.name()) ? String.format(java.util.Locale.ROOT, "%.2g", diff.get(v.name())) : "n/a (different batches or flatten order)"));
        }
        return md.toString();
    }

    private static Map<String, Double> orderedMap(String k1, double v1, String k2, double v2) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static Map<String, Double> sortedDesc(Map<String, Double> m) {
        List<Map.Entry<String, Double>> es = new ArrayList<>(m.entrySet());
        es.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> out = new LinkedHashMap<>();
        for (var e : es) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}

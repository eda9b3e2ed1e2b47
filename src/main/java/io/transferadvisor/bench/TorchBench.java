package io.transferadvisor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.TrainData;
import io.transferadvisor.model.FmnistCnn;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import io.transferadvisor.pipeline.Advisor;

/** `advisor bench torch`: DL4J vs PyTorch training throughput on the fmnist-cnn architecture, same data, batch and threads, and time to accuracy. */
public final class TorchBench {
    private TorchBench() {}

    /**
     * @param epochs     epochs of the throughput comparison (the last one is reported)
     * @param batch      batch size of the throughput comparison
     * @param throughput measure throughput (false: time to accuracy only)
     * @param tta        also measure time to accuracy
     * @param ttaEpochs  epochs of the PyTorch fine-tune-everything baseline
     */
    public record Options(int epochs, int batch, boolean throughput, boolean tta, int ttaEpochs) {}

    /** The Markdown and the file name under docs/benchmarks/ it belongs in. */
    public record Result(String markdown, String fileName) {}

    public static Result run(Options o) throws Exception {
        boolean throughput = o.throughput();
        // The DL4J side builds fmnist-cnn fresh (no SourceModel.load()), so apply the shipped thread setting here.
        io.transferadvisor.model.NativeThreads.apply();
        Path tmp0 = Files.createTempDirectory("bench-torch");
        try {
            return throughput ? throughputAndTta(o, tmp0)
                    : new Result(timeToAccuracy(new StringBuilder(BenchReport.header("time to accuracy, advisor plan vs PyTorch fine-tune everything",
                            "advisor bench torch --no-throughput --tta-epochs " + o.ttaEpochs(), "")), tmp0, o.ttaEpochs()).toString(), "execute-tta.md");
        } finally {
            io.transferadvisor.util.Trees.deleteTree(tmp0);
        }
    }

    private static Result throughputAndTta(Options o, Path tmp0) throws Exception {
        int epochs = o.epochs();
        int batch = o.batch();
        Path ds = Home.dir().resolve("examples/fashion-large.yaml");
        DatasetSpec s = SpecReader.read(ds);
        LoadedDataset data = DatasetLoader.load(s);
        TrainData train = TrainData.load(data.train(), FmnistCnn.INPUT);
        int n = train.size();
        int k = data.classNames().size();
        Path tmp = tmp0;
        writeRaw(tmp.resolve("x.f32"), tmp.resolve("y.i32"), train);

        // DL4J: same architecture (FmnistCnn), Adam 1e-3, same batches
        ComputationGraph net = new ComputationGraph(FmnistCnn.configuration(42, 1e-3));
        net.init();
        List<Double> dl4j = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int e = 0; e < epochs; e++) {
            int[] perm = io.transferadvisor.util.Shuffle.permutation(n, rnd);
            long t0 = System.nanoTime();
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                float[] y = new float[(to - from) * k];
                for (int i = from; i < to; i++) {
                    y[(i - from) * k + train.labels()[perm[i]]] = 1;
                }
                net.fit(new DataSet(train.batch(train.rows(perm, from, to), to - from), Nd4j.create(y, new long[] {to - from, k}, 'c')));
            }
            dl4j.add(n / ((System.nanoTime() - t0) / 1e9));
        }

        Path script = Home.dir().resolve("scripts/bench_torch.py");
        JsonNode torch = python(List.of(script.toString(), tmp.resolve("x.f32").toString(), tmp.resolve("y.i32").toString(), String.valueOf(n),
                String.valueOf(k), String.valueOf(epochs), String.valueOf(batch), "2"),
                "PyTorch peer", "; install it with: apt-get install -y python3-torch python3-torchvision");
        double torchIps = torch.get("imagesPerSecond").get(epochs - 1).asDouble();
        double dl4jIps = dl4j.get(epochs - 1);
        StringBuilder md = new StringBuilder(BenchReport.header("DL4J vs PyTorch training throughput",
                "advisor bench torch --epochs " + epochs + " --batch " + batch, torch.get("framework").asText() + " ("
                        + torch.get("threads").asInt() + " threads), DL4J 1.0.0-M2.1 (OMP threads as set for the JVM)"));
        md.append("Same architecture (fmnist-cnn: 4 conv-BN-ReLU blocks, dense 128-BN-ReLU, ").append(k).append("-way softmax), same ")
                .append(n).append(" Fashion-MNIST images (classes 5-9 of examples/fashion-large.yaml), batch ").append(batch)
                .append(", Adam 1e-3, ").append(epochs).append(" epochs, last epoch reported.\n\n");
        md.append("| framework | images/s per epoch | last epoch images/s |\n|---|---|---:|\n");
        md.append(String.format(java.util.Locale.ROOT, "| DL4J | %s | %.0f |%n", dl4j.stream().map(v -> String.format(java.util.Locale.ROOT, "%.0f", v)).toList(), dl4jIps));
        java.util.List<String> torchPerEpoch = new java.util.ArrayList<>();
        torch.get("imagesPerSecond").forEach(v -> torchPerEpoch.add(String.format(java.util.Locale.ROOT, "%.0f", v.asDouble())));
        md.append(String.format(java.util.Locale.ROOT, "| PyTorch | %s | %.0f |%n", torchPerEpoch, torchIps));
        md.append(String.format(java.util.Locale.ROOT, "%nRatio DL4J / PyTorch: **%.2f**.%n", dl4jIps / torchIps));
        if (o.tta()) {
            timeToAccuracy(md, tmp, o.ttaEpochs());
        }
        return new Result(md.toString(), "execute-torch.md");
    }

    /** The advisor's plan (probe + rules + execute) vs PyTorch fine-tuning everything from the same pretrained weights. */
    private static StringBuilder timeToAccuracy(StringBuilder md, Path tmp, int ttaEpochs) throws Exception {
        Path ds = Home.dir().resolve("examples/default.yaml");
        Path cache = tmp.resolve("cache");
        Advisor advisor = new Advisor(Advisor.Settings.defaults().withCache(cache));
        Advisor.Profiled profiled = advisor.profile(ds);
        LoadedDataset data = profiled.data();
        io.transferadvisor.model.SourceModel model = profiled.models().get(profiled.spec().models().get(0).display());
        // the probe's own wall time (with any measured plan trials), without loading the images
        double probeSeconds = profiled.profiles().get(0).sampling().seconds();
        var rec = advisor.recommend(profiled, ds.toString(), java.util.Map.of("command", "bench torch"));
        io.transferadvisor.plan.Plan plan = rec.plan();
        String planSource = "recommended by the rules";
        var r = advisor.execute(rec, profiled, io.transferadvisor.execute.ExecuteOptions.defaults()
                .withOutput(tmp.resolve("advisor-run")).withCacheDir(cache));
        var ph = r.metrics().phases();
        double trainSeconds = 0;
        if (ph.containsKey("total")) {
            // an ENSEMBLE (EnsembleTraining): its members train one after the other; the whole, with each member's own
            // evaluation (a fraction of a second here), is the time to its accuracy
            trainSeconds = ph.get("total");
        } else {
            for (var e : ph.entrySet()) {
                if (!List.of("load", "evaluate", "save").contains(e.getKey())) {
                    trainSeconds += e.getValue();
                }
            }
        }
        double target = r.metrics().test().accuracy();

        // export the pretrained weights for the PyTorch side
        ComputationGraph g = model.load();
        Path wdir = Files.createDirectories(tmp.resolve("weights"));
        var manifest = Json.json().createObjectNode();
        for (String v : g.getConfiguration().getVertices().keySet()) {
            var layer = g.getLayer(v);
            if (layer == null || layer.numParams() == 0) {
                continue;
            }
            for (var p : layer.paramTable().entrySet()) {
                String f = v + "_" + p.getKey() + ".f32";
                float[] vals = p.getValue().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
                ByteBuffer b = ByteBuffer.allocate(4 * vals.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(vals);
                Files.write(wdir.resolve(f), b.array());
                var node = manifest.putObject(v + "/" + p.getKey());
                node.put("file", f);
                var shape = node.putArray("shape");
                for (long d : p.getValue().shape()) {
                    shape.add(d);
                }
            }
        }
        Files.writeString(wdir.resolve("manifest.json"), Json.json().writeValueAsString(manifest));
        TrainData tr = TrainData.load(data.train(), FmnistCnn.INPUT);
        TrainData te = TrainData.load(data.test(), FmnistCnn.INPUT);
        writeRaw(tmp.resolve("tr.f32"), tmp.resolve("tr.i32"), tr);
        writeRaw(tmp.resolve("te.f32"), tmp.resolve("te.i32"), te);
        JsonNode curve = python(List.of(Home.dir().resolve("scripts/bench_torch.py").toString(), "finetune",
                wdir.toString(), tmp.resolve("tr.f32").toString(), tmp.resolve("tr.i32").toString(), String.valueOf(tr.size()),
                tmp.resolve("te.f32").toString(), tmp.resolve("te.i32").toString(), String.valueOf(te.size()),
                String.valueOf(data.classNames().size()), String.valueOf(ttaEpochs), "32", "2"), "PyTorch fine-tune baseline", "").get("curve");
        double reached = -1;
        double best = 0;
        int bestEpoch = 0;
        for (int e = 0; e < curve.size(); e++) {
            double acc = curve.get(e).get(1).asDouble();
            if (acc > best) {
                best = acc;
                bestEpoch = e + 1;
            }
            if (reached < 0 && acc >= target) {
                reached = curve.get(e).get(0).asDouble();
            }
        }
        md.append("\n## Time to accuracy: the advisor's plan vs PyTorch fine-tuning everything\n\n");
        md.append("Task: examples/default.yaml (").append(data.train().size()).append(" train, ").append(data.validation().size())
                .append(" validation, ").append(te.size()).append(" test images of Fashion-MNIST classes 5-9), both starting from the ")
                .append("pretrained fmnist-cnn weights (exported from DL4J to PyTorch), 2 threads.\n\n");
        md.append("| approach | training seconds | test accuracy |\n|---|---:|---:|\n");
        md.append(String.format(java.util.Locale.ROOT, "| advisor plan: %s, %s (DL4J; features + training%s) | %.1f | %.4f |%n",
                io.transferadvisor.rules.Recommender.signature(plan), planSource,
                ph.containsKey("total") ? ", every member one after the other" : "", trainSeconds, target));
        md.append(String.format(java.util.Locale.ROOT, "| the same plus the probe that chose it (%.1f s) | %.1f | %.4f |%n", probeSeconds, trainSeconds + probeSeconds, target));
        md.append(String.format(java.util.Locale.ROOT, "| PyTorch fine-tune everything, Adam 1e-3, batch 32: time to reach %.4f | %s | best %.4f (epoch %d of %d, %.1f s) |%n",
                target, reached < 0 ? "not reached" : String.format(java.util.Locale.ROOT, "%.1f", reached), best, bestEpoch, curve.size(),
                curve.get(curve.size() - 1).get(0).asDouble()));
        return md;
    }

    /**
     * Runs the PyTorch side (/usr/bin/python3 with 2 OpenMP threads) and returns the JSON on its last
     * output line; a failure names {@code what}, its exit code and last line, then {@code hint}.
     */
    static JsonNode python(List<String> args, String what, String hint) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/python3");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", "2");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String last = text.strip().lines().reduce((a, b) -> b).orElse("");
        if (rc != 0 || !last.startsWith("{")) {
            throw new io.transferadvisor.execute.TrainingException(what + " failed (exit " + rc + "): " + last + hint);
        }
        return Json.json().readTree(last);
    }

    private static void writeRaw(Path x, Path y, TrainData d) throws java.io.IOException {
        float[] all = d.rows(null, 0, d.size());
        ByteBuffer fb = ByteBuffer.allocate(4 * all.length).order(ByteOrder.LITTLE_ENDIAN);
        fb.asFloatBuffer().put(all);
        Files.write(x, fb.array());
        ByteBuffer lb = ByteBuffer.allocate(4 * d.size()).order(ByteOrder.LITTLE_ENDIAN);
        lb.asIntBuffer().put(d.labels());
        Files.write(y, lb.array());
    }
}

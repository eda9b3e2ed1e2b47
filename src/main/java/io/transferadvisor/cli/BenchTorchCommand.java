package io.transferadvisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.TrainData;
import io.transferadvisor.model.FmnistCnn;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench torch`: DL4J vs PyTorch training throughput on the fmnist-cnn architecture, same data, batch and threads. */
@Command(name = "torch", mixinStandardHelpOptions = true,
        description = "Training throughput of DL4J vs PyTorch (Debian python3-torch, /usr/bin/python3) on the fmnist-cnn architecture.")
public final class BenchTorchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs (the last one is reported; default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/execute-torch.md).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        Path ds = Home.dir().resolve("examples/fashion-large.yaml");
        DatasetSpec s = SpecReader.read(ds);
        LoadedDataset data = DatasetLoader.load(s);
        TrainData train = TrainData.load(data.train(), FmnistCnn.INPUT);
        int n = train.size();
        int k = data.classNames().size();
        Path tmp = Files.createTempDirectory("bench-torch");
        ByteBuffer fb = ByteBuffer.allocate(4 * train.data().length).order(ByteOrder.LITTLE_ENDIAN);
        fb.asFloatBuffer().put(train.data());
        Files.write(tmp.resolve("x.f32"), fb.array());
        ByteBuffer lb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        lb.asIntBuffer().put(train.labels());
        Files.write(tmp.resolve("y.i32"), lb.array());

        // DL4J: same architecture (FmnistCnn), Adam 1e-3, same batches
        ComputationGraph net = new ComputationGraph(FmnistCnn.configuration(42, 1e-3));
        net.init();
        List<Double> dl4j = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int e = 0; e < epochs; e++) {
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
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
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), tmp.resolve("x.f32").toString(),
                tmp.resolve("y.i32").toString(), String.valueOf(n), String.valueOf(k), String.valueOf(epochs), String.valueOf(batch), "2");
        pb.environment().put("OMP_NUM_THREADS", "2");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        String last = text.strip().lines().reduce((a, b) -> b).orElse("");
        if (rc != 0 || !last.startsWith("{")) {
            throw new io.transferadvisor.execute.TrainingException("PyTorch peer failed (exit " + rc + "): " + last
                    + "; install it with: apt-get install -y python3-torch python3-torchvision");
        }
        JsonNode torch = Json.json().readTree(last);
        double torchIps = torch.get("imagesPerSecond").get(epochs - 1).asDouble();
        double dl4jIps = dl4j.get(epochs - 1);
        StringBuilder md = new StringBuilder("# Benchmark: DL4J vs PyTorch training throughput\n\n");
        md.append("Command: `advisor bench torch --epochs ").append(epochs).append(" --batch ").append(batch).append("`  \n");
        md.append("Date: ").append(LocalDate.now()).append("; machine: ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores (nproc), Java ").append(System.getProperty("java.version")).append(", ").append(torch.get("framework").asText())
                .append(" (").append(torch.get("threads").asInt()).append(" threads), DL4J 1.0.0-M2.1 (OMP threads as set for the JVM)")
                .append("; other jobs were running on the machine.\n\n");
        md.append("Same architecture (fmnist-cnn: 4 conv-BN-ReLU blocks, dense 128-BN-ReLU, ").append(k).append("-way softmax), same ")
                .append(n).append(" Fashion-MNIST images (classes 5-9 of examples/fashion-large.yaml), batch ").append(batch)
                .append(", Adam 1e-3, ").append(epochs).append(" epochs, last epoch reported.\n\n");
        md.append("| framework | images/s per epoch | last epoch images/s |\n|---|---|---:|\n");
        md.append(String.format("| DL4J | %s | %.0f |%n", dl4j.stream().map(v -> String.format("%.0f", v)).toList(), dl4jIps));
        md.append(String.format("| PyTorch | %s | %.0f |%n", torch.get("imagesPerSecond").toString(), torchIps));
        md.append(String.format("%nRatio DL4J / PyTorch: **%.2f**.%n", dl4jIps / torchIps));
        Path file = out != null ? out : Home.dir().resolve("docs/benchmarks/execute-torch.md");
        AtomicFiles.writeString(file, md.toString());
        w.print(md);
        w.println("written to " + file);
        w.flush();
        return ExitCodes.OK;
    }
}

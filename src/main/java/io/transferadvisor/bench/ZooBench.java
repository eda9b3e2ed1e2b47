package io.transferadvisor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.model.NativeBuild;
import io.transferadvisor.model.NativeThreads;
import io.transferadvisor.model.OneDnn;
import io.transferadvisor.util.Home;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.SqueezeNet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * `advisor bench torch --zoo`: DL4J's zoo ResNet50 and SqueezeNet against torchvision's resnet50 and
 * squeezenet1_1 (the architecture DL4J's SqueezeNet ports), random weights, random 224x224x3
 * batches, same batch size and 2 threads on both sides: inference (no gradients) and training steps
 * (Adam) in images/s. The two frameworks take turns, model by model, for several rounds; the best
 * round of each is reported, so a passing disturbance on the machine does not decide the ratio.
 */
public final class ZooBench {
    private ZooBench() {}

    /** One model and mode, both frameworks. */
    public record Row(String model, String mode, List<Double> dl4j, List<Double> torch, long dl4jParams, long torchParams) {
        double best(List<Double> v) {
            return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    private static final Map<String, Supplier<ComputationGraph>> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("resnet50", () -> (ComputationGraph) ResNet50.builder().numClasses(1000).seed(42).build().init());
        MODELS.put("squeezenet", () -> (ComputationGraph) SqueezeNet.builder().numClasses(1000).seed(42).build().init());
    }

    public static TorchBench.Result run(int batch, int iterations, int rounds) throws Exception {
        NativeThreads.apply();
        List<Row> rows = new ArrayList<>();
        for (String m : MODELS.keySet()) {
            for (String mode : List.of("infer", "train")) {
                rows.add(new Row(m, mode, new ArrayList<>(), new ArrayList<>(), 0, 0));
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                ComputationGraph g = MODELS.get(row.model()).get();
                row.dl4j().add(dl4j(g, row.mode(), batch, iterations));
                JsonNode t = TorchBench.python(List.of(Home.dir().resolve("scripts/bench_torch.py").toString(), "zoo", row.model(), row.mode(),
                        String.valueOf(batch), String.valueOf(iterations), "2"), "PyTorch zoo peer",
                        "; install it with: apt-get install -y python3-torch python3-torchvision");
                row.torch().add(t.get("imagesPerSecond").asDouble());
                rows.set(i, new Row(row.model(), row.mode(), row.dl4j(), row.torch(), g.numParams(), t.get("parameters").asLong()));
            }
        }
        StringBuilder md = new StringBuilder(BenchReport.header("zoo networks at 224x224: DL4J vs PyTorch inference and training",
                "advisor bench torch --zoo --zoo-batch " + batch + " --zoo-iterations " + iterations + " --zoo-rounds " + rounds,
                "pytorch (torchvision, 2 threads), DL4J 1.0.0-M2.1 on libnd4j " + NativeBuild.loaded() + ", oneDNN layer helpers " + OneDnn.active()));
        md.append("Random weights, random 224x224x3 batches of ").append(batch).append(", ").append(iterations)
                .append(" timed batches after 2 untimed ones; the frameworks take turns model by model, ").append(rounds)
                .append(" rounds, the best round of each reported (all rounds in brackets). DL4J's zoo SqueezeNet is the v1.1 layout, ")
                .append("as torchvision's squeezenet1_1; parameter counts differ where the heads differ.\n\n");
        md.append("| network | mode | DL4J images/s | PyTorch images/s | ratio DL4J / PyTorch | parameters DL4J / PyTorch |\n|---|---|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f %s | %.1f %s | **%.2f** | %,d / %,d |%n", row.model(), row.mode().equals("infer") ? "inference"
                    : "training (Adam)", row.best(row.dl4j()), fmt(row.dl4j()), row.best(row.torch()), fmt(row.torch()),
                    row.best(row.dl4j()) / row.best(row.torch()), row.dl4jParams(), row.torchParams()));
        }
        return new TorchBench.Result(md.toString(), "zoo-torch.md");
    }

    private static String fmt(List<Double> v) {
        return v.stream().map(x -> String.format(Locale.ROOT, "%.1f", x)).toList().toString();
    }

    /** Images/s of {@code iterations} batches after two untimed ones. */
    static double dl4j(ComputationGraph g, String mode, int batch, int iterations) {
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, 224, 224);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 1000);
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, rnd.nextInt(1000), 1f);
        }
        DataSet ds = new DataSet(x, y);
        Runnable step = mode.equals("infer") ? () -> g.outputSingle(false, x) : () -> g.fit(ds);
        for (int i = 0; i < 2; i++) {
            step.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            step.run();
        }
        return batch * iterations / ((System.nanoTime() - t0) / 1e9);
    }
}

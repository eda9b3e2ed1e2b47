package io.transferadvisor.bench;

import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.ImageSetIterator;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.Prober;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;

/**
 * `advisor bench probe`: probe cost on the project's source model against one epoch of
 * fine-tuning every layer on the same images (Fashion-MNIST classes 5-9 from the Debian files).
 */
public final class ProbeBench {
    private ProbeBench() {}

    /**
     * @param sizes       training-set sizes, multiples of 5, at least 10
     * @param data        folder with the Fashion-MNIST IDX files
     * @param epochBudget seconds of fine-tuning per size before the epoch time is extrapolated
     */
    public record Options(int[] sizes, Path data, double epochBudget) {
        public Options {
            for (int n : sizes) {
                if (n < 10 || n % 5 != 0) {
                    throw new io.transferadvisor.UsageException("--sizes " + n + ": use multiples of 5, at least 10");
                }
            }
        }
    }

    record Row(int images, int sampled, double probeCold, double forward, double probeWarm, double epoch, int epochMeasured) {}

    /** Runs the benchmark and returns the Markdown table; one progress line per size goes to {@code progress}. */
    public static String run(Options options, PrintWriter progress) throws IOException {
        Path work = Files.createTempDirectory("advisor-bench-probe");
        List<Row> rows = new ArrayList<>();
        try {
            for (int n : options.sizes()) {
                LoadedDataset d = load(options.data(), work, n);
                SourceModel model = ModelRegistry.resolve(d.spec().models().get(0));
                Path cache = work.resolve("cache-" + n);
                ProbeOptions o = ProbeOptions.defaults(42, cache);
                long t0 = System.nanoTime();
                DatasetProfile cold = Prober.run(d, model, o, null);
                double coldS = (System.nanoTime() - t0) / 1e9;
                double forward = cold.sampling().features().forwardSeconds();
                t0 = System.nanoTime();
                Prober.run(d, model, o, null);
                double warmS = (System.nanoTime() - t0) / 1e9;
                Epoch epoch = fineTuneEpoch(d, model, options.epochBudget());
                Row r = new Row(d.train().size(), cold.sampling().sampledImages(), coldS, forward, warmS, epoch.seconds(),
                        epoch.measuredImages());
                rows.add(r);
                progress.printf(Locale.ROOT, "bench probe: %d images: probe %.1f s cold (%.1f s forward), %.1f s warm; one fine-tuning epoch %.1f s%n",
                        r.images(), coldS, forward, warmS, epoch.seconds());
                progress.flush();
            }
        } finally {
            io.transferadvisor.util.Trees.deleteTree(work);
        }
        return markdown(rows, options.sizes(), options.epochBudget());
    }

    private static LoadedDataset load(Path data, Path work, int n) throws IOException {
        Path yaml = work.resolve("fashion-" + n + ".yaml");
        Files.writeString(yaml, String.join("\n",
                "version: 1",
                "name: fashion-5-9-" + n,
                "train:",
                "  format: idx",
                "  images: " + data.resolve("train-images-idx3-ubyte.gz"),
                "  labels: " + data.resolve("train-labels-idx1-ubyte.gz"),
                "  classes: [5, 6, 7, 8, 9]",
                "  per_class: " + n / 5,
                "test:",
                "  format: idx",
                "  images: " + data.resolve("t10k-images-idx3-ubyte.gz"),
                "  labels: " + data.resolve("t10k-labels-idx1-ubyte.gz"),
                "  classes: [5, 6, 7, 8, 9]",
                "  per_class: 2",
                "split: {validation: 0}",
                "model: fmnist-cnn",
                "seed: 42",
                ""));
        return DatasetLoader.load(SpecReader.read(yaml));
    }

    /** Epoch timing: seconds for the whole epoch, and how many images were actually trained on to measure it. */
    record Epoch(double seconds, int measuredImages) {}

    /**
     * One epoch of fine-tuning every layer (new 5-way output layer, Adam 1e-3, batch 64) on the
     * training images. Stops after {@code epochBudget} seconds and extrapolates linearly (an epoch's
     * cost is linear in its images), so the benchmark stays bounded on a busy machine.
     */
    private static Epoch fineTuneEpoch(LoadedDataset d, SourceModel model, double epochBudget) {
        ComputationGraph source = model.load();
        String output = source.getConfiguration().getNetworkOutputs().get(0);
        ComputationGraph net = new TransferLearning.GraphBuilder(source)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(1e-3)).seed(42).build())
                .nOutReplace(output, d.classNames().size(), WeightInit.XAVIER)
                .build();
        ModelProfile mp = model.profile();
        ImageSetIterator it = new ImageSetIterator(d.train(), mp.input(), ProbeOptions.DEFAULT_BATCH, true, 42);
        int seen = 0;
        long t0 = System.nanoTime();
        while (it.hasNext()) {
            org.nd4j.linalg.dataset.DataSet batch = it.next();
            net.fit(batch);
            seen += batch.numExamples();
            if ((System.nanoTime() - t0) / 1e9 > epochBudget) {
                break;
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new Epoch(s * d.train().size() / seen, seen);
    }

    private static String markdown(List<Row> rows, int[] sizes, double epochBudget) {
        String command = "advisor bench probe";
        if (!Arrays.equals(sizes, new int[] {500, 2000, 10000})) {
            command += " --sizes " + String.join(",", Arrays.stream(sizes).mapToObj(String::valueOf).toList());
        }
        if (epochBudget != 120) {
            command += " --epoch-budget " + String.format(Locale.ROOT, "%.0f", epochBudget);
        }
        StringBuilder b = new StringBuilder(BenchReport.header("probe cost", command, ""));
        b.append("Model: fmnist-cnn (28x28x1, 5 candidate cuts); data: Fashion-MNIST classes 5-9 from the Debian train file; ")
                .append("probe defaults (sample cap ").append(ProbeOptions.DEFAULT_SAMPLE_CAP).append(", ")
                .append(ProbeOptions.DEFAULT_BOOTSTRAP).append(" bootstrap resamples, ").append(ProbeOptions.DEFAULT_FOLDS)
                .append("-fold probe, batch ").append(ProbeOptions.DEFAULT_BATCH).append(").\n\n");
        b.append("| training images | sampled | probe, cold cache (s) | of which forward (s) | probe images/s | probe, warm cache (s) "
                + "| 1 epoch fine-tune all layers (s) | epoch measured on | probe / epoch |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %,d | %,d | %.1f | %.1f | %.0f | %.1f | %.1f | %s | %.2f |%n", r.images(), r.sampled(),
                    r.probeCold(), r.forward(), r.sampled() / r.probeCold(), r.probeWarm(), r.epoch(),
                    r.epochMeasured() >= r.images() ? "all" : String.format(Locale.ROOT, "%,d (extrapolated)", r.epochMeasured()),
                    r.probeCold() / r.epoch()));
        }
        b.append("\nEpoch: DL4J fit of every layer with a new 5-way output layer (Adam 1e-3, batch ").append(ProbeOptions.DEFAULT_BATCH)
                .append(", shuffled); capped at ").append(String.format(Locale.ROOT, "%.0f", epochBudget))
                .append(" s of training and extrapolated linearly in the number of images when the cap is hit. ");
        b.append("Cold: empty feature cache (every sampled image goes through the network once). Warm: the rerun reads the ")
                .append("cached activations. The probe samples at most the cap, so its cost stops growing past it, while an epoch ")
                .append("grows with the data. Numbers are wall time on a shared machine; rerun to compare.\n");
        return b.toString();
    }
}

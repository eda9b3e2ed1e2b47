package io.transferadvisor.cli;

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
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Home;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `advisor bench probe`: probe cost on the project's source model against one epoch of
 * fine-tuning every layer on the same images (Fashion-MNIST classes 5-9 from the Debian files).
 */
@Command(name = "probe",
        mixinStandardHelpOptions = true,
        description = {"Time 'advisor profile' on fmnist-cnn for 500, 2,000 and 10,000 training images of Fashion-MNIST "
                + "classes 5-9 (cold feature cache, then warm), and one epoch of fine-tuning all layers with DL4J on the same "
                + "images; writes docs/benchmarks/probe.md."},
        footer = {"", "Example:", "  advisor bench probe"})
public final class BenchProbeCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", paramLabel = "N", defaultValue = "500,2000,10000",
            description = "Training-set sizes (multiples of 5). Default: ${DEFAULT-VALUE}.")
    int[] sizes;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Folder with the Fashion-MNIST IDX files. Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the table. Default: docs/benchmarks/probe.md.")
    Path out;

    @Option(names = "--epoch-budget", paramLabel = "SECONDS", defaultValue = "120",
            description = "Train at most this long per size and extrapolate the epoch time linearly. Default: ${DEFAULT-VALUE}.")
    double epochBudget;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    record Row(int images, int sampled, double probeCold, double forward, double probeWarm, double epoch, int epochMeasured) {}

    @Override
    public Integer call() throws IOException {
        Args.positive(commandSpec, "--epoch-budget", epochBudget);
        PrintWriter stdout = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        Path work = Files.createTempDirectory("advisor-bench-probe");
        List<Row> rows = new ArrayList<>();
        try {
            for (int n : sizes) {
                if (n < 10 || n % 5 != 0) {
                    throw new CommandLine.ParameterException(commandSpec.commandLine(), "--sizes " + n + ": use multiples of 5, at least 10");
                }
                LoadedDataset d = load(work, n);
                SourceModel model = ModelRegistry.resolve(d.spec().models().get(0));
                Path cache = work.resolve("cache-" + n);
                ProbeOptions o = ProbeOptions.defaults(42, cache);
                StringWriterLog log = new StringWriterLog();
                long t0 = System.nanoTime();
                DatasetProfile cold = Prober.run(d, model, o, log.writer());
                double coldS = (System.nanoTime() - t0) / 1e9;
                double forward = log.forwardSeconds();
                t0 = System.nanoTime();
                Prober.run(d, model, o, null);
                double warmS = (System.nanoTime() - t0) / 1e9;
                Epoch epoch = fineTuneEpoch(d, model);
                Row r = new Row(d.train().size(), cold.sampling().sampledImages(), coldS, forward, warmS, epoch.seconds(),
                        epoch.measuredImages());
                rows.add(r);
                err.printf(Locale.ROOT, "bench probe: %d images: probe %.1f s cold (%.1f s forward), %.1f s warm; one fine-tuning epoch %.1f s%n",
                        r.images(), coldS, forward, warmS, epoch.seconds());
                err.flush();
            }
        } finally {
            io.transferadvisor.util.Trees.deleteTree(work);
        }
        String md = markdown(rows);
        Path target = out != null ? out : Home.dir().resolve("docs/benchmarks/probe.md");
        AtomicFiles.writeString(target, md);
        stdout.print(md);
        stdout.println("written to " + target);
        stdout.flush();
        return ExitCodes.OK;
    }

    private LoadedDataset load(Path work, int n) throws IOException {
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
     * training images. Stops after {@link #epochBudget} seconds and extrapolates linearly (an epoch's
     * cost is linear in its images), so the benchmark stays bounded on a busy machine.
     */
    private Epoch fineTuneEpoch(LoadedDataset d, SourceModel model) {
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

    private String markdown(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("# Probe cost\n\n");
        b.append("Command: `./advisor bench probe");
        if (!Arrays.equals(sizes, new int[] {500, 2000, 10000})) {
            b.append(" --sizes ").append(String.join(",", Arrays.stream(sizes).mapToObj(String::valueOf).toList()));
        }
        if (epochBudget != 120) {
            b.append(" --epoch-budget ").append(String.format(Locale.ROOT, "%.0f", epochBudget));
        }
        b.append("`  \n");
        b.append("Date: ").append(LocalDate.now(java.time.ZoneId.systemDefault())).append("  \n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc), Java ")
                .append(System.getProperty("java.version")).append(", ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.arch")).append("  \n");
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

    /** Collects progress lines to read the forward-pass time back. */
    private static final class StringWriterLog {
        private final java.io.StringWriter buf = new java.io.StringWriter();
        private final PrintWriter w = new PrintWriter(buf, true);

        PrintWriter writer() {
            return w;
        }

        double forwardSeconds() {
            for (String line : buf.toString().split("\n")) {
                int at = line.indexOf(" s in the network");
                if (at > 0) {
                    String head = line.substring(0, at);
                    return Double.parseDouble(head.substring(head.lastIndexOf(' ') + 1));
                }
            }
            return Double.NaN;
        }
    }
}

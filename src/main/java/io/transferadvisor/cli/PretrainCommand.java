package io.transferadvisor.cli;

import io.transferadvisor.model.PretrainOptions;
import io.transferadvisor.model.Pretrainer;
import io.transferadvisor.util.Home;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor pretrain`: trains one of the project's source models (fmnist-cnn, glyphs-cnn) and writes its profile. */
@Command(name = "pretrain",
        mixinStandardHelpOptions = true,
        description = {"Train a project source model and write MODEL.zip and MODEL.json (its profile) to the output folder.",
            "fmnist-cnn (default): Fashion-MNIST classes 0-4 (T-shirt/top, Trouser, Pullover, Dress, Coat); classes 5-9 stay "
                + "unseen, so they are genuinely new labels for transfer experiments. 3 epochs over all 30,000 images take about 7 minutes on 2 cores.",
            "glyphs-cnn: the 62 letters and digits rendered from the installed fonts of pool A (size, weight, rotation, offset, "
                + "blur, noise); the suite's held-out letter tasks use the other fonts."},
        footer = {"", "Examples:", "  advisor pretrain --force                      # reproduce profiles/fmnist-cnn.{zip,json}",
                "  advisor pretrain --model glyphs-cnn --epochs 4 --force   # reproduce profiles/glyphs-cnn.{zip,json}",
                "  advisor pretrain --per-class 500 --epochs 1 -o /tmp/quick   # a quick, smaller model"})
public final class PretrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    OutputOptions output;

    @Option(names = "--model", defaultValue = "fmnist-cnn", paramLabel = "NAME",
            description = "Which project model: fmnist-cnn or glyphs-cnn (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--per-class", defaultValue = "0", paramLabel = "N",
            description = "Training images per class: fmnist-cnn the first in file order (0 = all 6,000), glyphs-cnn rendered (0 = 400) (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for init, shuffling and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--stats-samples", defaultValue = "2000", paramLabel = "N",
            description = "Training images for the per-channel activation statistics (default: ${DEFAULT-VALUE}).")
    int statsSamples;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Output folder (default: the installation's profiles/).")
    Path out;

    @Option(names = "--force", description = "Overwrite existing MODEL.zip / MODEL.json (only a DL4J model zip and a model profile JSON; other files are never replaced).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PretrainOptions options;
        try {
            options = new PretrainOptions(model, epochs, perClass, seed, batch, learningRate, statsSamples,
                    data != null ? data : PretrainOptions.DEFAULT_DATA, out != null ? out : Home.profilesToWrite(), force);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // progress on stderr: stdout carries the result (the summary, or the JSON) only
        PrintWriter log = output.quiet() ? new PrintWriter(java.io.Writer.nullWriter()) : spec.commandLine().getErr();
        Pretrainer.Result r = Pretrainer.run(options, log);
        PrintWriter o = spec.commandLine().getOut();
        if (output.json()) {
            java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>();
            summary.put("zip", r.zip().toString());
            summary.put("profile", r.json().toString());
            summary.put("sha256", r.profile().sha256());
            summary.put("testAccuracy", r.profile().provenance().get("testAccuracy"));
            summary.put("wallSeconds", r.profile().provenance().get("wallSeconds"));
            o.println(io.transferadvisor.util.Json.json().writeValueAsString(summary));
        } else if (output.quiet()) {
            o.println(r.json());
        } else {
            o.printf(java.util.Locale.ROOT, "test accuracy %s; wrote %s and %s%n", r.profile().provenance().get("testAccuracy"), r.zip(), r.json());
        }
        o.flush();
        return ExitCodes.OK;
    }
}

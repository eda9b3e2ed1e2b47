package io.transferadvisor.cli;

import io.transferadvisor.execute.Predictor;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `advisor predict RUN_DIR IMAGE...|DIR`: classify new images with a trained run. */
@Command(name = "predict",
        mixinStandardHelpOptions = true,
        description = {"Classify images with a finished run (its model.zip, or an ensemble's members averaged).",
            "Each image is fitted to the model's input as in training; prints the top class probabilities."},
        footer = {"",
            "Examples:",
            "  advisor predict runs/glyphs examples/glyphs/test/A/0001.png",
            "  advisor predict runs/glyphs my-images/ --top 3 --json"})
public final class PredictCommand implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A finished run directory.")
    Path runDir;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE|DIR", description = "Image files, or folders searched for images.")
    List<Path> images;

    @CommandLine.Mixin
    SparkOption spark;

    @Option(names = "--cache", paramLabel = "DIR", description = "With --spark: where the scratch outputs go while the job runs"
            + " (deleted after). Default: $ADVISOR_CACHE or ~/.cache/transfer-advisor.")
    Path cache;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "Classes shown per image (default ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--top " + top + " must be >= 1");
        }
        Predictor p = new Predictor(runDir);
        List<Predictor.Prediction> preds;
        try (io.transferadvisor.features.RemoteFeaturizer remote = spark.open()) {
            preds = p.predict(Predictor.expand(images), top, remote, cache != null ? cache : io.transferadvisor.util.Home.cache());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(Json.json().writeValueAsString(preds));
        } else {
            for (Predictor.Prediction pr : preds) {
                StringBuilder b = new StringBuilder(pr.image()).append("  ");
                for (int i = 0; i < pr.top().size(); i++) {
                    var c = pr.top().get(i);
                    b.append(i == 0 ? "" : ", ").append(c.className()).append(String.format(java.util.Locale.ROOT, " %.3f", c.probability()));
                }
                out.println(b);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}

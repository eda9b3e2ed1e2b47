package io.transferadvisor.cli;

import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.ProfileIO;
import io.transferadvisor.probe.ProfilePlot;
import io.transferadvisor.probe.ProfileSummary;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.OwnFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `advisor profile DATASET.yaml`: the similarity probe. */
@Command(name = "profile",
        mixinStandardHelpOptions = true,
        description = {
            "Measure a dataset against its pretrained model: size, domain shift per candidate cut layer, how the "
                + "source classifier sees the images, LogME and linear-probe accuracy per cut (with 95%% bootstrap "
                + "intervals), and what more labelled data would buy.",
            "One forward pass over a stratified sample (at most --sample-cap images) feeds everything; activations are "
                + "cached in the feature cache ($ADVISOR_CACHE or ~/.cache/transfer-advisor) and reused by 'advisor execute'."},
        footer = {"",
            "Examples:",
            "  advisor profile examples/glyphs.yaml",
            "  advisor profile examples/glyphs.yaml -o glyphs.profile.json --plot glyphs.png",
            "  advisor profile my-data/dataset.yaml --sample-cap 500 --json"})
public final class ProfileCommand implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "DATASET.yaml", description = "The dataset description (see 'advisor validate').")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the profile JSON here.")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE.png|FILE.svg", description = "Write the transferability curve as a PNG or SVG.")
    Path plot;

    @Option(names = "--sample-cap", paramLabel = "N", defaultValue = "" + ProbeOptions.DEFAULT_SAMPLE_CAP,
            description = "At most N labelled training images go through the network (stratified). Default: ${DEFAULT-VALUE}.")
    int sampleCap;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the sample, folds and bootstrap. Default: the dataset's seed.")
    Long seed;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "" + ProbeOptions.DEFAULT_BOOTSTRAP,
            description = "Bootstrap resamples for the 95%% intervals. Default: ${DEFAULT-VALUE}.")
    int bootstrap;

    @Option(names = "--cache", paramLabel = "DIR", description = "Feature cache folder. Default: $ADVISOR_CACHE or ~/.cache/transfer-advisor.")
    Path cache;


    @CommandLine.Mixin
    SparkOption spark;

    @Option(names = "--force", description = "Overwrite existing -o / --plot files written by advisor (a profile JSON, a plot it signed); other files are never replaced.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter stdout = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        OwnFiles.checkReplaceable(out, force, "a dataset profile JSON", f -> OwnFiles.jsonWithFields(f, "schemaVersion", "datasetHash", "model", "layers"));
        OwnFiles.checkReplaceable(plot, force, "a plot written by 'advisor profile --plot'", OwnFiles::signedPlot);
        if (plot != null) {
            String n = plot.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (!n.endsWith(".png") && !n.endsWith(".svg")) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "--plot " + plot + ": unknown type; use a file name ending in .png or .svg");
            }
        }
        DatasetSpec spec = SpecReader.read(file);
        LoadedDataset data = DatasetLoader.load(spec);
        data.skippedSummary().ifPresent(s -> err.println("warning: " + s));
        SourceModel model = ModelRegistry.resolve(spec.models().get(0));
        if (spec.models().size() > 1) {
            err.println("warning: profiled " + spec.models().get(0).display() + " only, the first of the " + spec.models().size()
                    + " models in " + file.getFileName() + "; 'advisor recommend' profiles each of them (a --profile file then needs one per model)");
        }
        ProbeOptions options;
        try {
            options = new ProbeOptions(sampleCap, seed != null ? seed : spec.seed(), bootstrap, ProbeOptions.DEFAULT_FOLDS,
                    ProbeOptions.DEFAULT_BATCH, cache != null ? cache : Home.cache(), null);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
        PrintWriter progress = output.quiet() ? null : err;
        DatasetProfile profile;
        try (io.transferadvisor.features.RemoteFeaturizer remote = spark.open()) {
            profile = io.transferadvisor.pipeline.Profiling.run(data, model, options.withRemote(remote), progress);
        }
        if (out != null) {
            ProfileIO.write(out, profile);
        }
        if (plot != null) {
            ProfilePlot.write(profile, plot);
        }
        if (output.json()) {
            stdout.print(ProfileIO.toJson(profile));
        } else if (!output.quiet()) {
            stdout.print(ProfileSummary.render(profile));
            if (out != null) {
                stdout.println("profile written to " + out);
            }
            if (plot != null) {
                stdout.println("plot written to " + plot);
            }
        } else {
            stdout.printf(java.util.Locale.ROOT, "similarity %.3f%n", profile.similarity());
        }
        stdout.flush();
        return ExitCodes.OK;
    }
}

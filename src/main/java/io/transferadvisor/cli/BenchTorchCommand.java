package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.TorchBench;
import io.transferadvisor.util.Home;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench torch`: DL4J vs PyTorch training throughput on the fmnist-cnn architecture, same data, batch and threads. */
@Command(name = "torch", mixinStandardHelpOptions = true,
        description = {"Training throughput of DL4J vs PyTorch (Debian python3-torch, /usr/bin/python3) on the fmnist-cnn architecture.",
            "With --zoo: inference and training of zoo ResNet50 and SqueezeNet at 224x224 instead."},
        footer = {"", "Examples (need 'apt-get install -y python3-torch python3-torchvision'):", "  advisor bench torch --epochs 2 --batch 64",
            "  advisor bench torch --zoo"})
public final class BenchTorchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs (the last one is reported; default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--throughput", negatable = true, defaultValue = "true", description = "Measure training throughput (default ${DEFAULT-VALUE}).")
    boolean throughput;

    @Option(names = "--tta", negatable = true, defaultValue = "true", description = "Also measure time-to-accuracy (default ${DEFAULT-VALUE}).")
    boolean tta;

    @Option(names = "--tta-epochs", defaultValue = "30", description = "Epochs of the PyTorch fine-tune-everything baseline (default ${DEFAULT-VALUE}).")
    int ttaEpochs;

    @Option(names = "--zoo", description = "Instead: zoo ResNet50 and SqueezeNet at 224x224, random weights, inference and training "
            + "images/s against torchvision's resnet50 and squeezenet1_1 (docs/benchmarks/zoo-torch.md).")
    boolean zoo;

    @Option(names = "--zoo-batch", defaultValue = "8", description = "Batch size of --zoo (default ${DEFAULT-VALUE}).")
    int zooBatch;

    @Option(names = "--zoo-iterations", defaultValue = "5", description = "Timed batches per model and mode of --zoo (default ${DEFAULT-VALUE}).")
    int zooIterations;

    @Option(names = "--zoo-rounds", defaultValue = "2", description = "Rounds of --zoo, frameworks taking turns; the best is reported (default ${DEFAULT-VALUE}).")
    int zooRounds;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/execute-torch.md, with --zoo zoo-torch.md).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Args.range(spec, "--epochs", epochs, 1, 1000);
        Args.range(spec, "--batch", batch, 1, 4096);
        Args.range(spec, "--tta-epochs", ttaEpochs, 1, 1000);
        TorchBench.Result r;
        if (zoo) {
            Args.range(spec, "--zoo-batch", zooBatch, 1, 256);
            Args.range(spec, "--zoo-iterations", zooIterations, 1, 1000);
            Args.range(spec, "--zoo-rounds", zooRounds, 1, 100);
            r = io.transferadvisor.bench.ZooBench.run(zooBatch, zooIterations, zooRounds);
        } else {
            r = TorchBench.run(new TorchBench.Options(epochs, batch, throughput, tta, ttaEpochs));
        }
        BenchReport.publish(out != null ? out : Home.dir().resolve("docs/benchmarks/" + r.fileName()), r.markdown(), spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}

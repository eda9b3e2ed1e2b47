package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.ProfileBench;
import io.transferadvisor.util.Home;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench profile`: where DL4J's training time goes on fmnist-cnn, and which cheap settings change it. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Profile DL4J training of fmnist-cnn (all layers trainable): per-layer forward/backward time, data pipeline share, "
                + "JFR hot methods, thread settings, and throughput of workspace/format/thread/batch variants side by side.")
public final class BenchProfileCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--iterations", defaultValue = "30", description = "Timed iterations per measurement (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed iterations before each measurement (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds of the variant comparison; the best round is reported (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/execute-profile.md).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Args.range(spec, "--iterations", iterations, 1, 1_000_000);
        Args.range(spec, "--warmup", warmup, 0, 1_000_000);
        Args.range(spec, "--rounds", rounds, 1, 1000);
        String md = ProfileBench.run(iterations, warmup, rounds, spec.commandLine().getOut());
        BenchReport.publish(out != null ? out : Home.dir().resolve("docs/benchmarks/execute-profile.md"), md, spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}

package io.transferadvisor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `advisor bench ...`: benchmarks that write their numbers to files under docs/ or a given folder. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark and write its table (with the command that produced it).",
        subcommands = {
            BenchProbeCommand.class,
            BenchRulesCommand.class,
            BenchExecuteCommand.class,
            BenchTorchCommand.class,
            BenchStreamCommand.class,
            BenchZooProbeCommand.class,
            BenchSparkCommand.class,
            BenchPlansCommand.class,
            BenchSuiteCommand.class,
            BenchRecipeCommand.class,
            BenchProfileCommand.class,
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark name; see 'advisor bench --help'");
    }
}

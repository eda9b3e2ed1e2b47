package io.transferadvisor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level `advisor` command. Subcommands are registered here, one line each. */
@Command(name = "advisor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Profiles an image dataset against a pretrained CNN, recommends how to transfer it, explains why, and does it.",
        subcommands = {
            // In pipeline order: what a person runs first comes first in --help.
            ValidateCommand.class,
            ModelsCommand.class,
            PretrainCommand.class,
            ProfileCommand.class,
            RecommendCommand.class,
            ExplainCommand.class,
            RulesCommand.class,
            ExecuteCommand.class,
            RunCommand.class,
            PredictCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class AdvisorCommand implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** `advisor` alone: says a command is missing and prints the command list (on stderr: it is not a result). */
    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        err.println("error: missing subcommand; pick one of the commands below ('advisor COMMAND --help' for its options)");
        err.println();
        spec.commandLine().usage(err);
        err.flush();
        return ExitCodes.USAGE;
    }
}

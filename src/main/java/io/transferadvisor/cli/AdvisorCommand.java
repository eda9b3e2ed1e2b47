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
public final class AdvisorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; see the list below with 'advisor --help'");
    }
}

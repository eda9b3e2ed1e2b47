package io.transferadvisor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level `advisor` command. Subcommands are registered here, one line each. */
@Command(name = "advisor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Profiles an image dataset against a pretrained CNN, recommends how to transfer it, explains why, and does it.",
        subcommands = {
            CommandLine.HelpCommand.class,
            BenchCommand.class,
            RecommendCommand.class,
            ExplainCommand.class,
            RulesCommand.class,
            ValidateCommand.class,
            PretrainCommand.class,
            ModelsCommand.class,
            ExecuteCommand.class,
            RunCommand.class,
            PredictCommand.class,
            ProfileCommand.class,
        })
public final class AdvisorCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; see the list below with 'advisor --help'");
    }
}

package io.transferadvisor.cli;

import picocli.CommandLine;

/**
 * Range checks of option values that picocli cannot express, made before a command does any
 * work (a benchmark or a training must not start and then fail on a value it could have
 * refused at once). A failure is a usage error: exit 2 with picocli's "Try --help" line.
 */
final class Args {
    private Args() {}

    static void range(CommandLine.Model.CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + value + " out of range; allowed " + min + ".." + max);
        }
    }

    static void positive(CommandLine.Model.CommandSpec spec, String option, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + value + " out of range; allowed a number > 0");
        }
    }
}

package io.transferadvisor.cli;

import picocli.CommandLine.Option;

/** --json, --quiet and --verbose, mixed into every subcommand. */
public final class OutputOptions {
    @Option(names = "--json", description = "Print machine-readable JSON instead of tables.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only errors and the essential result.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "More detail; stack traces on errors.")
    boolean verbose;

    public boolean json() {
        return json;
    }

    public boolean quiet() {
        return quiet;
    }

    public boolean verbose() {
        return verbose;
    }
}

package io.transferadvisor.cli;

import io.transferadvisor.AdvisorException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Turns exceptions into one-line errors (stack traces only with --verbose) and exit codes. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        boolean verbose = isVerbose(parseResult);
        if (ex instanceof AdvisorException) {
            err.println("error: " + ex.getMessage());
        } else {
            err.println("error: internal: " + ex + " (rerun with --verbose for the stack trace and report it)");
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.of(ex);
    }

    static boolean isVerbose(CommandLine.ParseResult pr) {
        for (CommandLine.ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Usage errors: one line plus a pointer to --help, exit 2. */
    static final class Usage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ExitCodes.USAGE;
        }
    }
}

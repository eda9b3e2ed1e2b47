package io.transferadvisor.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the real command line with captured output, as the style guide asks. */
public final class CliTestSupport {
    private CliTestSupport() {}

    /** Exit code plus what went to stdout and stderr. */
    public record Result(int exitCode, String out, String err) {}

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}

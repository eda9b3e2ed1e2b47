package io.transferadvisor.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point: builds the command line, runs it, exits with the documented code. */
public final class Main {
    private Main() {}

    /** Every command's --help ends with the same exit-code table. */
    private static void documentExitCodes(CommandLine cl) {
        java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
        for (String line : ExitCodes.HELP_LIST) {
            int colon = line.indexOf(':');
            codes.put(line.substring(0, colon), line.substring(colon + 1));
        }
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        for (CommandLine sub : cl.getSubcommands().values()) {
            documentExitCodes(sub);
        }
    }

    public static void main(String[] args) {
        // logging is set up here, on one thread, before the rule compiler's and evaluator's threads ask for loggers: when they
        // raced its initialization (as they did whenever the launcher's class-data archive made class loading fast), SLF4J
        // printed three lines about "logging calls during the initialization phase ... being replayed" on every recommend
        org.slf4j.LoggerFactory.getILoggerFactory();
        // before anything touches ND4J: which libnd4j build to load (pretrain keeps the generic one)
        String command = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("");
        io.transferadvisor.model.NativeBuild.select(command.equals("pretrain"));
        // the console's own encoding, said explicitly (Java 17 has no System.out.charset())
        java.nio.charset.Charset console = java.nio.charset.Charset.defaultCharset();
        int code = commandLine(new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(System.out, console)), true),
                new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(System.err, console)), true)).execute(args);
        System.exit(code);
    }

    /** The configured command line; tests call execute() on it with their own writers. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new AdvisorCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(new ExitCodes());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ErrorHandler.Usage());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        documentExitCodes(cl);
        return cl;
    }
}

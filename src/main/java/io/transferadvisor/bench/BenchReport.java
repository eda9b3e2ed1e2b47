package io.transferadvisor.bench;

import io.transferadvisor.util.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * The one writer of benchmark files (docs/benchmarks/*.md): every file starts with its title, the
 * command that produced it, the date and the machine, and is written atomically, then echoed.
 */
public final class BenchReport {
    private BenchReport() {}

    /**
     * The first lines of a benchmark file.
     *
     * @param title      what is measured (after "# Benchmark: ")
     * @param command    the command line that produced the file, as a person would type it
     * @param conditions what else a reader must know about the run (threads, other jobs); may be empty
     */
    public static String header(String title, String command, String conditions) {
        return "# Benchmark: " + title + "\n\n"
                + "Command: `" + command + "`  \n"
                + "Date: " + LocalDateTime.now(ZoneId.systemDefault()).truncatedTo(ChronoUnit.MINUTES) + "; machine: " + machine()
                + (conditions == null || conditions.isEmpty() ? "" : "; " + conditions) + ".\n\n";
    }

    /** Cores, Java version and OS, as every benchmark file states them. */
    public static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores (nproc), Java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /** Writes the file atomically, prints it and where it went. */
    public static Path publish(Path target, String markdown, PrintWriter out) {
        AtomicFiles.writeString(target, markdown);
        out.print(markdown);
        out.println("written to " + target);
        out.flush();
        return target;
    }
}

package io.transferadvisor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
    @Test
    void headerNamesTheCommandAndTheMachineAndPublishWritesWhatItPrints(@TempDir Path dir) throws Exception {
        String h = BenchReport.header("probe cost", "advisor bench probe --sizes 10", "nothing else running");
        assertThat(h).startsWith("# Benchmark: probe cost\n\nCommand: `advisor bench probe --sizes 10`  \nDate: ");
        assertThat(h).contains(Runtime.getRuntime().availableProcessors() + " cores (nproc), Java " + System.getProperty("java.version"))
                .endsWith("; nothing else running.\n\n");
        assertThat(BenchReport.header("t", "c", "")).endsWith(System.getProperty("os.arch") + ".\n\n");
        StringWriter out = new StringWriter();
        Path f = dir.resolve("b.md");
        BenchReport.publish(f, h + "| a |\n", new PrintWriter(out));
        assertThat(Files.readString(f)).isEqualTo(h + "| a |\n");
        assertThat(out.toString()).isEqualTo(h + "| a |\nwritten to " + f + System.lineSeparator());
    }
}

package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `advisor bench rules` writes its table with the command that produced it (no timing asserted). */
class BenchRulesCommandTest {
    @Test
    void writesTheTable(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("rules.md");
        var r = CliTestSupport.run("bench", "rules", "--runs", "0", "--iterations", "20", "-o", md.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        String text = Files.readString(md);
        // the grid it times is the one `advisor rules check` walks
        var check = CliTestSupport.run("rules", "check");
        var points = java.util.regex.Pattern.compile("on (\\d+) grid points").matcher(check.out() + check.err());
        assertThat(points.find()).as(check.out()).isTrue();
        assertThat(text).contains("Command: `advisor bench rules --runs 0 --iterations 20`", "cores (nproc)", "load average",
                "| warm decision: rules once + model selection (1 model) | 20 |", "| rules check grid (" + points.group(1) + " points) | 1 |");
    }
}

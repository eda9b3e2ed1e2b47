package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdvisorCommandTest {
    @Test
    void helpListsExitCodes() {
        CliTestSupport.Result r = CliTestSupport.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:").contains("Bad dataset").contains("Output error");
    }

    @Test
    void unknownSubcommandIsUsageErrorOnOneLine() {
        CliTestSupport.Result r = CliTestSupport.run("frobnicate");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("error: ").contains("frobnicate");
    }

    @Test
    void noSubcommandIsUsageError() {
        CliTestSupport.Result r = CliTestSupport.run();
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("missing subcommand");
    }

    @Test
    void versionNamesTheStack() {
        CliTestSupport.Result r = CliTestSupport.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("transfer-advisor").contains("DL4J 1.0.0-M2.1");
    }
}

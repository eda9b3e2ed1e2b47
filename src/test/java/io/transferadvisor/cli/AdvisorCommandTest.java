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
    void noSubcommandIsUsageErrorAndPrintsTheCommandList() {
        CliTestSupport.Result r = CliTestSupport.run();
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("missing subcommand", "Commands:", "  recommend ", "  explain ", "  execute ", "  predict ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void everyCommandSummaryIsACompleteSentence() {
        // --help lists each command by the first line of its description: it must not stop mid-sentence
        java.util.List<String> bad = new java.util.ArrayList<>();
        walk(new picocli.CommandLine(new AdvisorCommand()), bad);
        assertThat(bad).isEmpty();
    }

    private static void walk(picocli.CommandLine cl, java.util.List<String> bad) {
        String[] d = cl.getCommandSpec().usageMessage().description();
        if (d.length > 0 && !d[0].strip().matches(".*[.)]$")) {
            bad.add(cl.getCommandSpec().qualifiedName() + ": " + d[0]);
        }
        cl.getSubcommands().values().stream().filter(c -> c.getCommandSpec().parent() == cl.getCommandSpec())
                .forEach(c -> walk(c, bad));
    }

    @Test
    void versionIsThePomsVersion() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("--version");
        assertThat(r.exitCode()).isZero();
        String pom = java.nio.file.Files.readString(java.nio.file.Path.of("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<artifactId>transfer-advisor</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        assertThat(r.out()).startsWith("transfer-advisor " + m.group(1) + "\n").contains("DL4J 1.0.0-M2.1").doesNotContain("-dev");
    }
}

package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules trust boundary through the real command line: `rules check DIR` and `recommend --rules DIR`
 * refuse a rule base with a rule that does more than change facts (exit 5, FILE:LINE, rule, what),
 * before any rule runs: no plan is written, no file appears, no process starts, the JVM is not exited.
 */
class RulesTrustBoundaryCliTest {

    /** The repository's rules plus evil.drl, whose condition is on line 5 and code on line 8. */
    static Path rulesWith(Path dir, String condition, String code) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (var s = Files.list(Path.of("rules"))) {
            for (Path p : s.toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        Files.writeString(rules.resolve("evil.drl"), "package io.transferadvisor.rules.drl;\n"
                + "import io.transferadvisor.rules.facts.*;\n"
                + "rule \"evil\" @id(\"evil\") @rationale(\"tries to leave the sandbox\")\n"
                + "when\n"
                + "    " + condition + "\n"
                + "then\n"
                + "    insert(new Note(\"evil\", \"was here\"));\n"
                + "    " + code + "\n"
                + "end\n");
        return rules;
    }

    /** Both commands exit 5 with the one-line refusal; recommend writes none of its three files. */
    static void refusedByBothCommands(Path dir, Path rules, String expected) {
        var check = CliTestSupport.run("rules", "check", rules.toString());
        assertThat(check.exitCode()).as(check.out() + check.err()).isEqualTo(ExitCodes.BAD_RULES);
        assertThat(check.err()).startsWith("error: " + expected).contains("is not allowed in a rule; rules may only");
        assertThat(check.err().strip().lines().count()).isEqualTo(1);
        assertThat(check.out()).doesNotContain("rules check: OK");

        Path plan = dir.resolve("plan.yaml");
        var rec = RulesCliTest.recommend(plan, "--rules", rules.toString());
        assertThat(rec.exitCode()).as(rec.out() + rec.err()).isEqualTo(ExitCodes.BAD_RULES);
        assertThat(rec.err()).startsWith("error: " + expected);
        assertThat(rec.out()).doesNotContain("plan:");
        assertThat(plan).doesNotExist();
        assertThat(dir.resolve("plan.audit.json")).doesNotExist();
        assertThat(dir.resolve("plan.profile.json")).doesNotExist();
    }

    @Test
    void systemExitInAConsequenceExitsFiveNamingFileLineRuleAndCall(@TempDir Path dir) throws Exception {
        // Before the sandbox, both commands exited 0 here, printing nothing and writing no plan.
        Path rules = rulesWith(dir, "DataFacts()", "System.exit(0);");
        refusedByBothCommands(dir, rules, "evil.drl:8: rule \"evil\": call System.exit(...) is not allowed in a rule");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "new java.io.FileWriter(\"MARKER\").write(\"x\");                         | new java.io.FileWriter(...)",
        "java.nio.file.Files.writeString(java.nio.file.Path.of(\"MARKER\"), \"x\"); | call java.nio.file.Files.writeString(...)",
        "new ProcessBuilder(\"touch\", \"MARKER\").start();                      | new ProcessBuilder(...)",
        "Runtime.getRuntime().exec(new String[] {\"touch\", \"MARKER\"});         | call Runtime.getRuntime()",
    })
    void aConsequenceWritingAFileOrStartingAProcessIsRefusedAndNothingHappens(String code, String what, @TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker.txt");
        Path rules = rulesWith(dir, "DataFacts()", code.replace("MARKER", marker.toString()));
        refusedByBothCommands(dir, rules, "evil.drl:8: rule \"evil\": " + what + " is not allowed in a rule");
        assertThat(marker).doesNotExist();
    }

    @Test
    void systemExitInAConstraintExitsFive(@TempDir Path dir) throws Exception {
        Path rules = rulesWith(dir, "DataFacts(trainImages > 0, System.exit(0) == 0)", "");
        refusedByBothCommands(dir, rules, "evil.drl:5: rule \"evil\": call System.exit(...) in a condition is not allowed in a rule");
    }

    @Test
    void aLoopInAConsequenceIsRefusedBeforeItCanHang(@TempDir Path dir) throws Exception {
        Path rules = rulesWith(dir, "DataFacts()", "while (true) { }");
        refusedByBothCommands(dir, rules, "evil.drl:8: rule \"evil\": a while loop is not allowed in a rule");
    }
}

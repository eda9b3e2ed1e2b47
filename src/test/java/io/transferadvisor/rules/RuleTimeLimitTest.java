package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.rules.facts.DataFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall-clock limit on one evaluation: a rule that never returns ends in RulesException (exit 5)
 * after about the limit. The sandbox refuses loops, so the hanging rule base is loaded without it.
 */
public class RuleTimeLimitTest {
    /** The hanging consequence spins while this is set; the test clears it so the worker thread ends. */
    public static volatile boolean hang;
    public static volatile Thread worker;
    public static volatile boolean left;

    static final DataFacts DATA = RuleSandboxTest.DATA;

    @Test
    void aConsequenceThatDoesNotTerminateEndsWithRulesExceptionAfterTheLimit(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("hang.drl"), """
                package t;
                import io.transferadvisor.rules.facts.*;
                rule "quick" @id("quick") @rationale("fires first") salience 10
                when DataFacts()
                then insert(new Note("quick", "x"));
                end
                rule "spin" @id("spin") @rationale("never returns, and ignores interrupts") dialect "java"
                when Note(topic == "quick")
                then
                    io.transferadvisor.rules.RuleTimeLimitTest.worker = Thread.currentThread();
                    while (io.transferadvisor.rules.RuleTimeLimitTest.hang) { }
                    io.transferadvisor.rules.RuleTimeLimitTest.left = true;
                end
                """);
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class).hasMessageStartingWith("hang.drl:10: rule \"spin\": assigning to io.transferadvisor.rules.RuleTimeLimitTest.worker");
        RuleBase rules = RuleBase.loadUnchecked(dir).withTimeout(Duration.ofMillis(500));
        hang = true;
        try {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> rules.evaluate(List.of(DATA))).isInstanceOf(RulesException.class)
                    .hasMessage("rules did not finish within 0.5 s (last rule fired: spin); a consequence or condition does not terminate;"
                            + " fix that rule (or raise -Dadvisor.rules.timeoutSeconds)");
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(seconds).isBetween(0.45, 3.0);
            // still spinning: only a daemon thread, which cannot keep the CLI's JVM alive
            assertThat(worker.isAlive()).isTrue();
            assertThat(worker.isDaemon()).isTrue();
        } finally {
            hang = false;
        }
        for (int i = 0; i < 500 && !left; i++) {
            Thread.sleep(10);
        }
        assertThat(left).as("the spinning consequence returned once released").isTrue();
    }

    @Test
    void rulesCheckStopsAtTheFirstGridPointThatRunsOutOfTime(@TempDir Path dir) throws Exception {
        // without the stop, the grid would wait out the limit at each of its 1,386 points
        Files.writeString(dir.resolve("hang.drl"), """
                package t;
                import io.transferadvisor.rules.facts.*;
                rule "spin" @id("spin") @rationale("never returns while hang is set") dialect "java"
                when DataFacts()
                then
                    while (io.transferadvisor.rules.RuleTimeLimitTest.hang) { }
                end
                """);
        RuleBase rules = RuleBase.loadUnchecked(dir).withTimeout(Duration.ofMillis(300));
        hang = true;
        try {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> RuleCheck.run(rules, SyntheticProfiles.GENERIC_LAYERS, 400_000)).isInstanceOf(RulesException.class)
                    .hasMessageStartingWith("rules did not finish within 0.3 s (last rule fired: spin)");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(3.0);
        } finally {
            hang = false;
        }
    }

    @Test
    void aRuleExhaustingMemoryIsARulesErrorNotACrash(@TempDir Path dir) throws Exception {
        // allowed by the whitelist (String methods), so the sandbox cannot refuse it; it must still end in exit 5
        Files.writeString(dir.resolve("big.drl"), """
                package t;
                import io.transferadvisor.rules.facts.*;
                rule "big" @id("big") @rationale("asks for a string longer than Java allows")
                when DataFacts($m: model)
                then insert(new Note("big", $m.repeat(Integer.MAX_VALUE)));
                end
                """);
        RuleBase rules = RuleBase.load(dir);
        assertThatThrownBy(() -> rules.evaluate(List.of(DATA))).isInstanceOf(RulesException.class)
                .hasMessageStartingWith("a rule failed while running: ");
    }

    @Test
    void theLimitDoesNotCutANormalEvaluationShortAndIsReadFromTheSystemProperty() {
        RuleBase shipped = RuleTesting.rules();
        // under the limit the same rules fire in the same order as under the configured default (none halted early)
        assertThat(shipped.withTimeout(Duration.ofSeconds(10)).evaluate(List.of(DATA)).firings()).extracting(f -> f.rule().id())
                .isNotEmpty().isEqualTo(shipped.evaluate(List.of(DATA)).firings().stream().map(f -> f.rule().id()).toList());
        String before = System.getProperty(RuleTimer.PROPERTY);
        try {
            System.setProperty(RuleTimer.PROPERTY, "0.25");
            assertThat(RuleTimer.configured()).isEqualTo(Duration.ofMillis(250));
            System.setProperty(RuleTimer.PROPERTY, "soon");
            assertThatThrownBy(RuleTimer::configured).isInstanceOf(RulesException.class)
                    .hasMessageStartingWith("-Dadvisor.rules.timeoutSeconds=soon is not a time limit");
        } finally {
            if (before == null) {
                System.clearProperty(RuleTimer.PROPERTY);
            } else {
                System.setProperty(RuleTimer.PROPERTY, before);
            }
        }
        if (before == null) {
            assertThat(RuleTimer.configured()).isEqualTo(RuleTimer.DEFAULT);
        }
    }
}

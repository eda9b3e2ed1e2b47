package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.rules.facts.DataFacts;
import io.transferadvisor.rules.facts.SizeClass;
import io.transferadvisor.rules.facts.SizeLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleBaseTest {
    static final Path RULES = Path.of("rules");
    static RuleBase base;

    @BeforeAll
    static void load() {
        base = RuleBase.load(RULES);
    }

    /** Rules of one rule in {@code dir}: a TINY SizeClass for every DataFacts of model "m" under {@code perClass} images per class. */
    static RuleBase tinyBelow(Path dir, int perClass) throws Exception {
        Files.writeString(dir.resolve("r.drl"), String.format(java.util.Locale.ROOT, """
                package t;
                import io.transferadvisor.rules.facts.*;
                rule "r" @id("r") @rationale("x")
                when DataFacts($n: trainPerClass < %d, model == "m")
                then insert(new SizeClass(SizeLevel.TINY, $n, 0.0));
                end
                """, perClass));
        return RuleBase.load(dir);
    }

    @Test
    void drools10MvelReadsRecordComponentsByFieldName(@TempDir Path dir) throws Exception {
        // Early check asked for by the style guide: `trainPerClass < 20` on a record, no getters.
        RuleBase rb = tinyBelow(dir, 20);
        RuleBase.Evaluation e = rb.evaluate(List.of(new DataFacts("m", 60, 50, 5, 10, 10.0, 1.0, 1000, 50, true, "28x28x1", "28x28x1", 0)));
        assertThat(e.all(SizeClass.class)).containsExactly(new SizeClass(SizeLevel.TINY, 10.0, 0.0));
        assertThat(e.firings()).hasSize(1);
        assertThat(e.firings().get(0).bindings()).containsEntry("$n", 10.0);
        assertThat(e.firings().get(0).rule().conditions()).anySatisfy(c -> assertThat(c).contains("trainPerClass < 20"));
    }

    @Test
    void factsComeBackInTheOrderTheyCameInNotTheSessionsHashOrder(@TempDir Path dir) throws Exception {
        // the audit lists rejections in the order of Evaluation#facts: the session's own store iterates by identity hash, which
        // swapped two models' rejections from run to run; 40 facts in a hash order would almost never keep their insertion order
        List<DataFacts> in = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            in.add(new DataFacts("m", 60, 50, 5, 10, (i * 37) % 40, 1.0, 1000, 50, true, "28x28x1", "28x28x1", 0));
        }
        RuleBase.Evaluation e = tinyBelow(dir, 100).evaluate(in);
        assertThat(e.all(DataFacts.class)).containsExactlyElementsOf(in);
        List<Object> byFiring = e.firings().stream().flatMap(f -> f.inserted().stream()).toList();
        assertThat(byFiring).hasSize(40);
        assertThat(e.all(SizeClass.class)).containsExactlyElementsOf(byFiring.stream().map(SizeClass.class::cast).toList());
        // the caller's facts come before what the rules inserted
        assertThat(e.facts().indexOf(in.get(39))).isLessThan(e.facts().indexOf(byFiring.get(0)));
    }

    @Test
    void repositoryRulesLoadWithIdsRationalesAndTheDecisionTable() throws Exception {
        assertThat(base.files()).contains("derive.drl", "matrix.drl.csv", "cutoff.drl", "hyperparameters.drl", "guards.drl",
                "alternatives.drl", "models.drl");
        // RuleBase.load already refuses a blank or repeated id or rationale; what it must also get right is which
        // text belongs to which rule: each .drl rule carries the @id and @rationale written under its name.
        java.util.Map<String, List<String>> written = new java.util.TreeMap<>();
        int declared = 0;
        java.util.regex.Pattern rule = java.util.regex.Pattern.compile(
                "(?m)^rule \"([^\"]+)\"\\s*\\n\\s*@id\\(\"([^\"]*)\"\\)\\s*\\n\\s*@rationale\\(\"(.*)\"\\)\\s*$");
        for (String f : base.files()) {
            if (f.endsWith(".drl")) {
                String text = Files.readString(RULES.resolve(f));
                declared += (int) java.util.regex.Pattern.compile("(?m)^rule \"").matcher(text).results().count();
                java.util.regex.Matcher m = rule.matcher(text);
                while (m.find()) {
                    written.put(m.group(1), List.of(f, m.group(2), m.group(3)));
                }
            }
        }
        assertThat(written).as("every rule declared in a .drl file, read with its @id and @rationale").hasSize(declared);
        java.util.Map<String, List<String>> loaded = new java.util.TreeMap<>();
        base.rules().stream().filter(r -> r.file().endsWith(".drl"))
                .forEach(r -> loaded.put(r.name(), List.of(r.file(), r.id(), r.rationale())));
        assertThat(loaded).isEqualTo(written);
        assertThat(base.rules()).filteredOn(r -> r.file().equals("matrix.drl.csv")).hasSize(12);
        assertThat(base.hash()).hasSize(64);
    }

    @Test
    void compileErrorIsFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ok.drl"), "package t;\nrule \"a\" @id(\"a\") @rationale(\"x\")\nwhen\nthen\nend\n");
        Files.writeString(dir.resolve("bad.drl"), "package t;\n\nrule \"b\" @id(\"b\") @rationale(\"x\")\nwhen\n  NoSuchFact(x > 1)\nthen\nend\n");
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class)
                .hasMessageStartingWith("bad.drl:5: ").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void decisionTableErrorPointsAtTheCsvRow(@TempDir Path dir) throws Exception {
        String csv = Files.readString(RULES.resolve("matrix.drl.csv")).replaceFirst("(matrix-small-high,SMALL,HIGH,)\"[^\"]*\"", "$1\"NO_SUCH_STRATEGY,SOFTMAX,0\"");
        Files.writeString(dir.resolve("matrix.drl.csv"), csv);
        int row = csv.lines().toList().indexOf(csv.lines().filter(l -> l.startsWith("matrix-small-high,")).findFirst().orElseThrow()) + 1;
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class)
                .hasMessageStartingWith("matrix.drl.csv:" + row + " (row matrix-small-high): ");
    }

    @Test
    void ruleWithoutRationaleIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.drl"), "package t;\nrule \"a\" @id(\"a\")\nwhen\nthen\nend\n");
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class).hasMessageContaining("x.drl").hasMessageContaining("@rationale");
    }

    @Test
    void duplicateIdsAreRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.drl"), "package t;\nrule \"a\" @id(\"same\") @rationale(\"x\")\nwhen\nthen\nend\n"
                + "rule \"b\" @id(\"same\") @rationale(\"y\")\nwhen\nthen\nend\n");
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class).hasMessageContaining("'same'");
    }

    @Test
    void misnamedDecisionTableIsAnErrorNotSilence(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("matrix.csv"), "RuleSet,t\n");
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class).hasMessageContaining("*.drl.csv");
    }

    @Test
    void hashChangesWithContent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.drl"), "package t;\nrule \"a\" @id(\"a\") @rationale(\"x\")\nwhen\nthen\nend\n");
        String h1 = RuleBase.load(dir).hash();
        Files.writeString(dir.resolve("x.drl"), "package t;\nrule \"a\" @id(\"a\") @rationale(\"changed\")\nwhen\nthen\nend\n");
        assertThat(RuleBase.load(dir).hash()).isNotEqualTo(h1);
    }

    @Test
    void missingFolderIsRulesException() {
        assertThatThrownBy(() -> RuleBase.load(Path.of("no-such-rules-dir"))).isInstanceOf(RulesException.class).hasMessageContaining("not found");
    }
}

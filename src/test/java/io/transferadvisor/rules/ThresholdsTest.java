package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.rules.facts.SizeClass;
import io.transferadvisor.rules.facts.SizeLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rules/thresholds.csv: every number a rule compares a measured fact against is a named row, read by rules, explanations and tests. */
class ThresholdsTest {
    /** Structural comparisons (counts of models, ranks, indices) are not thresholds. */
    static final Set<String> STRUCTURAL = Set.of("models", "rank", "index");

    @Test
    void everyRowIsUsedAndNoRuleComparesAFactAgainstALiteralNumber() throws Exception {
        List<Thresholds.Row> rows = Thresholds.read(Path.of("rules"));
        assertThat(rows).hasSizeGreaterThanOrEqualTo(15);
        Set<String> used = new HashSet<>();
        List<String> literals = new ArrayList<>();
        Pattern literal = Pattern.compile("([A-Za-z]+)\\s*(<=|>=|<|>|==)\\s*-?\\d");
        try (Stream<Path> files = Files.list(Path.of("rules"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".drl") || p.toString().endsWith(".drl.csv")).toList()) {
                String text = Files.readString(f);
                used.addAll(Thresholds.used(text));
                boolean inWhen = false;
                for (String line : text.split("\n")) {
                    String t = line.trim();
                    if (t.equals("when")) {
                        inWhen = true;
                    } else if (t.equals("then")) {
                        inWhen = false;
                    } else if (inWhen && !t.startsWith("//")) {
                        Matcher m = literal.matcher(t);
                        while (m.find()) {
                            if (!STRUCTURAL.contains(m.group(1))) {
                                literals.add(f.getFileName() + ": " + t);
                            }
                        }
                    }
                }
            }
        }
        assertThat(literals).as("comparisons against a literal number (name it in thresholds.csv)").isEmpty();
        assertThat(rows.stream().map(Thresholds.Row::name).toList()).as("rows no rule uses").allMatch(used::contains);
        // Thresholds.read already refuses a blank evidence cell; check that it points at a document of this
        // repository that exists, and at a heading in it when it names one
        Pattern doc = Pattern.compile("(docs/[\\w/.-]+\\.md)(?:#([\\w-]+))?");
        for (Thresholds.Row r : rows) {
            Matcher m = doc.matcher(r.evidence());
            assertThat(m.find()).as(r.name() + " evidence names a docs/ file: " + r.evidence()).isTrue();
            do {
                Path file = Path.of(m.group(1));
                assertThat(file).as(r.name()).isRegularFile();
                String anchor = m.group(2);
                if (anchor != null) {
                    assertThat(Files.readAllLines(file)).as(r.name() + ": heading #" + anchor + " in " + file)
                            .anyMatch(l -> l.startsWith("#") && slug(l).equals(anchor));
                }
            } while (m.find());
        }
    }

    /** The anchor a Markdown heading gets: lower case, punctuation dropped, spaces as hyphens. */
    private static String slug(String heading) {
        return heading.replaceFirst("^#+\\s*", "").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    @Test
    void changingARowChangesTheDecisionAndTheRulesHash(@TempDir Path dir) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("rules"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        var profile = RuleTesting.profile().perClass(12).similarity(0.9).build();
        RuleBase shipped = RuleTesting.rules();
        assertThat(level(shipped, profile)).isEqualTo(SizeLevel.TINY);
        Path table = dir.resolve(Thresholds.FILE);
        Files.writeString(table, Files.readString(table).replace("size.small.perClass,20,", "size.small.perClass,10,"));
        RuleBase changed = RuleBase.load(dir);
        assertThat(changed.threshold("size.small.perClass")).isEqualTo(10.0);
        assertThat(level(changed, profile)).isEqualTo(SizeLevel.SMALL);
        assertThat(changed.hash()).isNotEqualTo(RuleBase.load(Path.of("rules")).hash());
    }

    private static SizeLevel level(RuleBase rb, io.transferadvisor.probe.DatasetProfile p) {
        List<SizeClass> s = rb.evaluate(FactsBuilder.observed(p, 1, 5.0)).all(SizeClass.class);
        assertThat(s).hasSize(1);
        return s.get(0).level();
    }

    @Test
    void aBadTableOrAnUndefinedNameIsRefusedWithFileAndLine(@TempDir Path dir) throws Exception {
        String header = String.join(",", Thresholds.HEADER) + "\n";
        assertThatThrownBy(() -> Thresholds.parse(header + "a.b,1,m,textbook,x\na.b,2,m,textbook,x\n", "t.csv"))
                .isInstanceOf(RulesException.class).hasMessageContaining("t.csv:3").hasMessageContaining("already on line 2");
        assertThatThrownBy(() -> Thresholds.parse(header + "a.b,lots,m,textbook,x\n", "t.csv"))
                .hasMessageContaining("t.csv:2").hasMessageContaining("'lots' is not a number");
        assertThatThrownBy(() -> Thresholds.parse(header + "a.b,1,m,folklore,x\n", "t.csv")).hasMessageContaining("folklore");
        assertThatThrownBy(() -> Thresholds.parse(header + "a.b,1,m,textbook,\n", "t.csv")).hasMessageContaining("no evidence link");
        assertThatThrownBy(() -> Thresholds.parse("name,value\n", "t.csv")).hasMessageContaining("t.csv:1: header");
        Files.writeString(dir.resolve(Thresholds.FILE), header + "size.small.perClass,20,m,textbook,x\n");
        Files.writeString(dir.resolve("r.drl"), """
                package io.transferadvisor.rules.drl;
                import io.transferadvisor.rules.facts.*;
                rule "r" @id("r") @rationale("uses an undefined threshold")
                when
                    Threshold(name == "size.smal.perClass", $t: value)
                    DataFacts(trainPerClass < $t)
                then
                    insert(new Note("n", "x"));
                end
                """);
        assertThatThrownBy(() -> RuleBase.load(dir)).isInstanceOf(RulesException.class).hasMessageContaining("r.drl")
                .hasMessageContaining("size.smal.perClass").hasMessageContaining("size.small.perClass");
    }

    @Test
    void explanationsShowTheThresholdsValueNotItsVariable() {
        Audit a = RuleTesting.recommender().recommend(List.of(RuleTesting.profile().perClass(12).similarity(0.9).build()),
                Recommender.Request.defaults("dataset.yaml")).audit();
        Audit.Firing size = a.traces().get(0).firings().stream().filter(f -> f.rule().equals("size-tiny")).findFirst().orElseThrow();
        assertThat(Explanation.threshold(size)).contains("trainPerClass < 20").doesNotContain("$small").doesNotContain("Threshold");
    }
}

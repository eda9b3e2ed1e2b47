package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.plan.PlanIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled rule bases kept across runs (CompiledRules, RuleBase.load(dir, cache)): one read back decides
 * exactly as the compile it came from; any change to the rules compiles afresh; a damaged, foreign or refused rule
 * base is never used.
 */
class CompiledRulesTest {

    static List<Path> stored(Path cache) throws Exception {
        Path dir = cache.resolve("rules");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".kbase")).sorted().toList();
        }
    }

    static Path copyOfRules(Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (Stream<Path> s = Files.list(Path.of("rules"))) {
            for (Path p : s.toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        return rules;
    }

    @Test
    void aRuleBaseReadBackDecidesEveryGridPointAndAuditExactlyAsItsCompile(@TempDir Path cache) throws Exception {
        RuleBase compiled = RuleBase.load(Path.of("rules"), cache);
        assertThat(compiled.readBack()).isFalse();
        assertThat(stored(cache)).hasSize(1);
        assertThat(Files.getPosixFilePermissions(stored(cache).get(0))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        RuleBase back = RuleBase.load(Path.of("rules"), cache);
        assertThat(back.readBack()).isTrue();
        assertThat(back.hash()).isEqualTo(compiled.hash());
        assertThat(back.rules()).isEqualTo(compiled.rules());
        assertThat(back.thresholds()).isEqualTo(compiled.thresholds());

        Recommender a = new Recommender(compiled);
        Recommender b = new Recommender(back);
        List<RuleCheck.Point> grid = RuleCheck.grid(RuleTesting.FMNIST_CUTS, 400_000);
        assertThat(grid).hasSizeGreaterThan(1000);
        for (RuleCheck.Point pt : grid) {
            Recommender.Request req = Recommender.Request.defaults("grid.yaml");
            Recommender.Decision x = a.decide(pt.profiles(), req);
            Recommender.Decision y = b.decide(pt.profiles(), req);
            assertThat(y.plan()).as(pt.label()).isEqualTo(x.plan());
            assertThat(fired(y)).as(pt.label()).isEqualTo(fired(x));
        }
        var real = List.of(GoldenAuditTest.realProfile());
        assertThat(AuditIO.toJson(GoldenAuditTest.withoutRunDetails(b.recommend(real, GoldenAuditTest.REQUEST).audit())))
                .isEqualTo(AuditIO.toJson(GoldenAuditTest.withoutRunDetails(a.recommend(real, GoldenAuditTest.REQUEST).audit())));
        assertThat(PlanIO.toYaml(b.recommend(real, GoldenAuditTest.REQUEST).plan()))
                .isEqualTo(Files.readString(GoldenAuditTest.GOLDEN.resolve("fmnist-default.plan.yaml")));
    }

    static List<String> fired(Recommender.Decision d) {
        return Stream.concat(d.runs().stream().flatMap(r -> r.evaluation().firings().stream()), d.selection().firings().stream())
                .map(f -> f.rule().id() + " " + f.bindings()).toList();
    }

    @Test
    void aChangedRuleOrThresholdIsCompiledAfreshAndTakesEffect(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path rules = copyOfRules(dir);
        assertThat(RuleBase.load(rules, cache).readBack()).isFalse();
        assertThat(RuleBase.load(rules, cache).readBack()).isTrue();

        Path models = rules.resolve("models.drl");
        String drl = Files.readString(models);
        assertThat(drl).contains("@rationale(\"");
        Files.writeString(models, drl.replaceFirst("@rationale\\(\"", "@rationale(\"EDITED "));
        RuleBase edited = RuleBase.load(rules, cache);
        assertThat(edited.readBack()).isFalse();
        assertThat(edited.rules()).anyMatch(r -> r.rationale().startsWith("EDITED "));
        assertThat(RuleBase.load(rules, cache).readBack()).isTrue();

        Path table = rules.resolve(Thresholds.FILE);
        Files.writeString(table, Files.readString(table).replaceFirst("(?m)^models\\.closeCall,0\\.05", "models.closeCall,0.07"));
        RuleBase moved = RuleBase.load(rules, cache);
        assertThat(moved.readBack()).isFalse();
        assertThat(moved.threshold("models.closeCall")).isEqualTo(0.07);
        assertThat(stored(cache)).hasSize(3);
    }

    @Test
    void aDamagedOrOthersWritableStoreIsIgnoredAndReplaced(@TempDir Path cache) throws Exception {
        RuleBase.load(Path.of("rules"), cache);
        Path file = stored(cache).get(0);
        byte[] good = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(good, good.length / 2));
        RuleBase afterDamage = RuleBase.load(Path.of("rules"), cache);
        assertThat(afterDamage.readBack()).isFalse();
        assertThat(afterDamage.rules()).isEqualTo(RuleTesting.rules().rules());
        assertThat(Files.readAllBytes(file)).hasSize(good.length); // rewritten whole by that compile
        assertThat(RuleBase.load(Path.of("rules"), cache).readBack()).isTrue();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(RuleBase.load(Path.of("rules"), cache).readBack()).isFalse();
    }

    @Test
    void aRuleBaseTheSandboxRefusesIsNeverStored(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path rules = copyOfRules(dir);
        Files.writeString(rules.resolve("evil.drl"), "package io.transferadvisor.rules.drl;\n"
                + "import io.transferadvisor.rules.facts.*;\n"
                + "rule \"evil\" @id(\"evil\") @rationale(\"tries to leave the sandbox\")\n"
                + "when\n    DataFacts()\nthen\n    System.exit(0);\nend\n");
        assertThatThrownBy(() -> RuleBase.load(rules, cache)).isInstanceOf(RulesException.class).hasMessageContaining("evil.drl:7");
        assertThat(stored(cache)).isEmpty();
    }

    @Test
    void theCacheKeepsTheNewestCompiledRuleBases(@TempDir Path cache) throws Exception {
        Path dir = Files.createDirectories(cache.resolve("rules"));
        for (int i = 0; i < CompiledRules.KEEP + 3; i++) {
            Path old = Files.writeString(dir.resolve("old" + i + ".kbase"), "stale");
            Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        RuleBase.load(Path.of("rules"), cache);
        List<Path> kept = stored(cache);
        assertThat(kept).hasSize(CompiledRules.KEEP);
        assertThat(kept.stream().map(p -> p.getFileName().toString()))
                .contains("old" + (CompiledRules.KEEP + 2) + ".kbase").doesNotContain("old0.kbase");
        assertThat(RuleBase.load(Path.of("rules"), cache).readBack()).isTrue();
    }
}

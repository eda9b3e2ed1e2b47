package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CI form of `advisor rules check`: the repository's rule base passes its own grid. */
class RuleCheckTest {

    @Test
    void repositoryRulesPassTheGrid() {
        RuleCheck.Report r = RuleCheck.run(RuleBase.load(Path.of("rules")), SyntheticProfiles.GENERIC_LAYERS, 400_000);
        List<String> text = RuleCheck.format(r);
        assertThat(r.failures()).as(String.join("\n", text)).isEmpty();
        assertThat(r.neverFired()).as(String.join("\n", text)).isEmpty();
        // a strategy the grid never chooses must be one the measurements retired, with a specific rejection rule
        for (Strategy s : Strategy.values()) {
            if (!r.strategies().containsKey(s)) {
                assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("strategy " + s + " is never chosen").contains("rejected with a reason by reject-"));
            }
        }
        assertThat(r.strategies()).containsKeys(Strategy.FINETUNE_ABOVE, Strategy.FINETUNE_ALL, Strategy.FROM_SCRATCH, Strategy.AUTOENCODER_TRANSFER);
        assertThat(r.points()).isGreaterThan(1000);
    }

    @Test
    void aStrategyNeverChosenWithoutASpecificReasonFails(@TempDir Path dir) throws Exception {
        // the shipped matrix never chooses TRUNCATE_GROW as the plan (retired by the suite's calibration) and says why; only an
        // ensemble of one model's plans (ensemble-plans) trains a grown block, as a member. Without it and the rule that says why, the grid must fail
        copyRules(dir);
        Path alt = dir.resolve("alternatives.drl");
        String text = Files.readString(alt);
        String edited = text.replaceFirst("(?s)rule \"reject-truncate-grow-small-data\".*?\nend\n", "");
        assertThat(edited).isNotEqualTo(text).doesNotContain("reject-truncate-grow-small-data");
        Files.writeString(alt, edited);
        Path guards = dir.resolve("guards.drl");
        String g = Files.readString(guards);
        String noEnsemble = g.replaceFirst("(?s)rule \"ensemble-plans\".*?\nend\n", "");
        assertThat(noEnsemble).isNotEqualTo(g);
        Files.writeString(guards, noEnsemble);
        RuleCheck.Report r = RuleCheck.run(RuleBase.load(dir), SyntheticProfiles.GENERIC_LAYERS, 400_000);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).contains("strategy TRUNCATE_GROW is never chosen on the grid: no rule (or matrix cell) selects it, and no specific rule says why");
    }

    @Test
    void aMatrixGapIsReportedWithTheOffendingProfiles(@TempDir Path dir) throws Exception {
        copyRules(dir);
        Path csv = dir.resolve("matrix.drl.csv");
        Files.write(csv, Files.readAllLines(csv).stream().filter(l -> !l.startsWith("matrix-small-medium,")).toList());
        RuleCheck.Report r = RuleCheck.run(RuleBase.load(dir), SyntheticProfiles.GENERIC_LAYERS, 400_000);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).anySatisfy(f -> assertThat(f).contains("perClass=40").contains("chose no strategy"));
    }

    @Test
    void aConflictIsReported(@TempDir Path dir) throws Exception {
        copyRules(dir);
        Path csv = dir.resolve("matrix.drl.csv");
        List<String> lines = Files.readAllLines(csv);
        String dup = lines.stream().filter(l -> l.startsWith("matrix-large-low,")).findFirst().orElseThrow()
                .replace("matrix-large-low,", "matrix-large-low-2,").replace(",matrix-large-low,", ",matrix-large-low-2,")
                .replace("FROM_SCRATCH,SOFTMAX,0", "FINETUNE_ALL,SOFTMAX,0");
        lines = new java.util.ArrayList<>(lines);
        lines.add(dup);
        Files.write(csv, lines);
        RuleCheck.Report r = RuleCheck.run(RuleBase.load(dir), SyntheticProfiles.GENERIC_LAYERS, 400_000);
        assertThat(r.failures()).anySatisfy(f -> assertThat(f).contains("perClass=3000").contains("conflict"));
    }

    @Test
    void aLinearCutOnAFarShiftedLayerIsReported(@TempDir Path dir) throws Exception {
        // the cutoff rule as it was before the shift floor: the latest competitive layer, however shifted
        copyRules(dir);
        Path cutoff = dir.resolve("cutoff.drl");
        String drl = Files.readString(cutoff);
        // the shipped matrix no longer chooses LINEAR_FROZEN anywhere (the suite's calibration retired it): put a cell back
        Path csv = dir.resolve("matrix.drl.csv");
        Files.writeString(csv, Files.readString(csv).replaceFirst("(matrix-small-high,SMALL,HIGH,)\"FINETUNE_ABOVE,SOFTMAX,0\"", "$1\"LINEAR_FROZEN,SOFTMAX,0\""));
        String edited = drl.replace("    ShiftFloor($floor: floor, $ref: referenceLayer)\n", "")
                .replace("$sim: similarity >= $floor)", "$sim: similarity)")
                .replace("not CompetitiveLayer(index > $i, similarity >= $floor)", "not CompetitiveLayer(index > $i)");
        assertThat(edited).isNotEqualTo(drl).doesNotContain("$floor");
        Files.writeString(cutoff, edited);
        RuleCheck.Report r = RuleCheck.run(RuleBase.load(dir), SyntheticProfiles.GENERIC_LAYERS, 400_000);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).anySatisfy(f -> assertThat(f).contains("shifted-top flat-curve").contains("is far shifted"));
    }

    @Test
    void theNewLabelsCutMustExcludeTheGenericFineTuningCut(@TempDir Path dir) throws Exception {
        // without `not Cutoff()` the generic rule adds a second cut wherever the new-labels rule fired (overlap=0.0 points)
        copyRules(dir);
        Path cutoff = dir.resolve("cutoff.drl");
        String drl = Files.readString(cutoff);
        String edited = drl.replace("    not Cutoff()\n", "");
        assertThat(edited).isNotEqualTo(drl).doesNotContain("not Cutoff()");
        Files.writeString(cutoff, edited);
        RuleCheck.Report r = RuleCheck.run(RuleBase.load(dir), SyntheticProfiles.GENERIC_LAYERS, 400_000);
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).anySatisfy(f -> assertThat(f).contains("overlap=0.0").containsIgnoringCase("cutoff"));
        // on the larger model (single plans below LARGE data) SMALL points get two cuts only where the new-labels rule fired
        assertThat(r.failures()).noneSatisfy(f -> assertThat(f).contains("overlap=0.9").contains("parameters=x").containsAnyOf("perClass=40 ", "perClass=120 "));
    }

    static void copyRules(Path dir) throws Exception {
        try (var s = Files.list(Path.of("rules"))) {
            // without the spreadsheet twin: these tests edit matrix.drl.csv alone (a drifted twin is refused at load)
            for (Path p : s.filter(f -> !f.getFileName().toString().endsWith(".drl.xlsx")).toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
    }
}

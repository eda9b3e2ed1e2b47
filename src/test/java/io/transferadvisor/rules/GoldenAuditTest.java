package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.probe.DatasetProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden plan and audit for a real probe profile (examples/default.yaml on fmnist-cnn) and for a
 * synthetic three-model case; run details (time, versions) are excluded. Regenerate after an
 * intended rule change with -Dgolden.update=true and review the diff.
 */
class GoldenAuditTest {
    static final Path GOLDEN = Path.of("src/test/resources/rules/golden");
    static final Recommender.Request REQUEST = new Recommender.Request("../examples/default.yaml", 5, 30, 42, Map.of("fmnist-cnn", "fixture"), Map.of());

    static DatasetProfile realProfile() {
        return PlanFiles.readProfile(Path.of("src/test/resources/rules/fmnist-default.profile.json"));
    }

    static Audit withoutRunDetails(Audit a) {
        return new Audit(a.schemaVersion(), a.inputs(), null, a.traces(), a.selection(), a.plan(), a.rejected(), a.notes(),
                a.counterfactuals(), a.reasons());
    }

    static void golden(String name, String actual) throws Exception {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("golden.update") || !Files.exists(file)) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual);
        }
        if (!actual.equals(Files.readString(file))) {
            // the whole actual text, for a diff: the assertion's message is cut short by surefire
            Path dump = Path.of("target/golden-actual").resolve(name);
            Files.createDirectories(dump.getParent());
            Files.writeString(dump, actual);
        }
        assertThat(actual).as("golden " + file + " (regenerate with -Dgolden.update=true after an intended change)")
                .isEqualTo(Files.readString(file));
    }

    @Test
    void realProfileGivesTheGoldenPlanAndAudit() throws Exception {
        var rec = RuleTesting.recommender().recommend(List.of(realProfile()), REQUEST);
        golden("fmnist-default.plan.yaml", PlanIO.toYaml(rec.plan()));
        golden("fmnist-default.audit.json", AuditIO.toJson(withoutRunDetails(rec.audit())));
        assertThat(rec.audit().reasons()).hasSize(5).allMatch(r -> !r.contains("examples/default.yaml"));
        assertThat(rec.audit().run().java()).contains(System.getProperty("java.version"));
    }

    @Test
    void threeModelGoldenEnsemble() throws Exception {
        var profiles = List.of(RuleTesting.profile().model("a").perClass(100).similarity(0.9).build(),
                RuleTesting.profile().model("b").perClass(100).similarity(0.9).accuracyOffset(-0.01).build(),
                RuleTesting.profile().model("c").perClass(100).similarity(0.9).accuracyOffset(-0.2).build());
        var rec = RuleTesting.recommender().recommend(profiles, Recommender.Request.defaults("d.yaml"));
        golden("three-models.plan.yaml", PlanIO.toYaml(rec.plan()));
        golden("three-models.audit.json", AuditIO.toJson(withoutRunDetails(rec.audit())));
    }

    @Test
    void planAndAuditRoundTrip(@TempDir Path dir) {
        var rec = RuleTesting.recommender().recommend(List.of(realProfile()), REQUEST);
        Path plan = dir.resolve("plan.yaml");
        PlanIO.write(plan, rec.plan());
        assertThat(PlanIO.read(plan)).isEqualTo(rec.plan());
        Path audit = dir.resolve("plan.audit.json");
        AuditIO.write(audit, rec.audit());
        Audit back = AuditIO.read(audit);
        assertThat(AuditIO.toJson(back)).isEqualTo(AuditIO.toJson(rec.audit()));
        assertThat(AuditDiff.diff(rec.audit(), back).same()).isTrue();
        Path profile = dir.resolve("plan.profile.json");
        PlanFiles.writeProfile(profile, realProfile());
        assertThat(PlanFiles.readProfile(profile)).usingRecursiveComparison().isEqualTo(realProfile());
        // a several-model run directory keeps its profiles as a JSON array
        Path array = dir.resolve("profile.json");
        String one = io.transferadvisor.probe.ProfileIO.toJson(realProfile()).strip();
        try {
            java.nio.file.Files.writeString(array, "[" + one + ",\n" + one.replace("\"model\" : \"fmnist-cnn\"", "\"model\" : \"twin\"") + "]");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(PlanFiles.readProfiles(array)).extracting(DatasetProfile::model).containsExactly("fmnist-cnn", "twin");
        assertThat(PlanFiles.readProfiles(profile)).hasSize(1);
    }

    @Test
    void sameInputsSameAuditApartFromRunDetails() {
        var a = RuleTesting.recommender().recommend(List.of(realProfile()), REQUEST).audit();
        var b = RuleTesting.recommender().recommend(List.of(realProfile()), REQUEST).audit();
        assertThat(AuditIO.toJson(withoutRunDetails(a))).isEqualTo(AuditIO.toJson(withoutRunDetails(b)));
    }

    @Test
    void diffShowsWhatChangedBetweenTwoAudits() {
        var a = RuleTesting.recommender().recommend(List.of(realProfile()), REQUEST).audit();
        var b = RuleTesting.recommender().recommend(List.of(ProfileEdits.withImages(realProfile(), 300)), REQUEST).audit();
        AuditDiff.Result r = AuditDiff.diff(a, b);
        assertThat(r.same()).isFalse();
        // 300 images: TINY instead of SMALL; both the ENSEMBLE of the same three plans (guards.drl ensemble-plans), on TINY
        // data with the TINY schedule (patience 15 instead of 5) for every member
        assertThat(r.plan()).noneSatisfy(l -> assertThat(l).startsWith("strategy:"));
        assertThat(r.plan()).anySatisfy(l -> assertThat(l).isEqualTo("ensembleMembers[0].hyperparameters.patience: 5 -> 15"));
        assertThat(r.plan()).anySatisfy(l -> assertThat(l).isEqualTo("ensembleMembers[2].hyperparameters.patience: 5 -> 15"));
        assertThat(r.firings()).anySatisfy(l -> assertThat(l).isEqualTo("fmnist-cnn: fired only in A: size-small"));
        assertThat(r.inputs()).anySatisfy(l -> assertThat(l).contains("profileHash"));
    }

    @Test
    void counterfactualsAreRealBoundaries() {
        var rec = RuleTesting.recommender().recommend(List.of(realProfile()), REQUEST);
        var images = rec.audit().counterfactuals().stream().filter(c -> c.change().equals("images")).toList();
        assertThat(images).isNotEmpty();
        for (Audit.Counterfactual c : images) {
            int at = Integer.parseInt(c.to().replace(",", ""));
            boolean up = at > realProfile().size().images();
            Plan changed = RuleTesting.decide(ProfileEdits.withImages(realProfile(), at)).plan();
            Plan justBefore = RuleTesting.decide(ProfileEdits.withImages(realProfile(), up ? at - 1 : at + 1)).plan();
            assertThat(Recommender.signature(changed)).isEqualTo(c.becomes()).isNotEqualTo(Recommender.signature(rec.plan()));
            assertThat(Recommender.signature(justBefore)).isEqualTo(Recommender.signature(rec.plan()));
        }
    }

    @Test
    void aSimilarityCounterfactualNamesTheThresholdItselfWhenTheThresholdIsTheBoundary() {
        // examples/default.yaml reads 0.89; similarity.familiar (0.9) is the boundary, inclusive: 0.90 changes the plan, 0.89 does not
        var rec = RuleTesting.recommender().recommend(List.of(realProfile()), REQUEST);
        var up = rec.audit().counterfactuals().stream().filter(c -> c.change().equals("similarity") && c.text().contains("more similar")).toList();
        assertThat(up).hasSize(1);
        double at = Double.parseDouble(up.get(0).to());
        assertThat(at).isEqualTo(EnsemblePlansRulesTest.threshold("similarity.familiar"));
        assertThat(Recommender.signature(RuleTesting.decide(ProfileEdits.withSimilarity(realProfile(), at)).plan())).isEqualTo(up.get(0).becomes());
        assertThat(Recommender.signature(RuleTesting.decide(ProfileEdits.withSimilarity(realProfile(), at - 0.01)).plan()))
                .isEqualTo(Recommender.signature(rec.plan()));
    }

    @Test
    void badPlanFilesGiveOneLineErrorsNamingTheField(@TempDir Path dir) throws Exception {
        // a single plan's file (the rules' plan for a model above ensemble.maxParameters): its fields at the top level
        var rec = RuleTesting.singlePlanRecommender().recommend(List.of(realProfile()), REQUEST);
        String yaml = PlanIO.toYaml(rec.plan());
        record Case(String yaml, String expected) {}
        for (Case c : List.of(
                new Case(yaml.replace("strategy: FINETUNE_ABOVE", "strategy: FINETUNE_ABOV"), "field 'strategy' has bad value 'FINETUNE_ABOV'; allowed [LINEAR_FROZEN"),
                new Case(yaml.replace("headLearningRate: 0.01", "headLearningRate: 5"), "hyperparameters.headLearningRate 5.0 out of range"),
                new Case(yaml.replace("patience: " + rec.plan().hyperparameters().patience() + "\n", "patience: 100\n"), "hyperparameters.patience 100 out of range"),
                new Case(yaml.replace("cutoffLayer: " + rec.plan().cutoffLayer() + "\n", ""), "plan.cutoffLayer missing; strategy FINETUNE_ABOVE needs a cutoff layer"),
                new Case(yaml.replace("growBlocks: 0", "growBlocks: 0\nextra: 1"), "unknown key 'extra' (known keys: schemaVersion"),
                new Case(yaml.replace("maxEpochs: 30", "maxEpochs: thirty"), "maxEpochs"))) {
            Path f = dir.resolve("bad.yaml");
            Files.writeString(f, c.yaml());
            assertThatThrownBy(() -> PlanIO.read(f)).isInstanceOf(PlanException.class)
                    .hasMessageContaining(c.expected()).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}

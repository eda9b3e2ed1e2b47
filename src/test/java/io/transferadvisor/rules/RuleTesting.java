package io.transferadvisor.rules;

import io.transferadvisor.probe.DatasetProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Shared fixture of the rule tests: the repository's rule base, loaded once per JVM. */
final class RuleTesting {
    private RuleTesting() {}

    /** fmnist-cnn's candidate cuts as test data (the rules never see names, only LayerFacts). */
    static final List<String> FMNIST_CUTS = List.of("b1_pool", "b2_pool", "b3_relu", "b4_relu", "fc1_relu");

    private static RuleBase base;

    static synchronized RuleBase rules() {
        if (base == null) {
            base = RuleBase.load(Path.of("rules"));
        }
        return base;
    }

    private static RuleBase textbook;

    /**
     * The shipped rules with the textbook's linear cells put back (TINY x HIGH: LINEAR_FROZEN SVM,
     * TINY x MEDIUM and TINY x LOW: LINEAR_EARLIER SVM, SMALL x HIGH: LINEAR_FROZEN softmax, SMALL x LOW:
     * TRUNCATE_GROW +1), which the suite's
     * calibration changed to fine-tuning, and without the ENSEMBLE of one model's plans (ensemble.maxParameters 0): for tests of the linear mechanics (the linear cut, its
     * hyperparameters, its rejections) that the shipped matrix no longer reaches.
     */
    static synchronized RuleBase textbookRules() {
        if (textbook == null) {
            textbook = edited("textbook-rules", java.util.Map.of(
                    "matrix.drl.csv", text -> text
                            .replaceFirst("(matrix-tiny-high,TINY,HIGH,)\"[^\"]*\"", "$1\"LINEAR_FROZEN,SVM,0\"")
                            .replaceFirst("(matrix-tiny-medium,TINY,MEDIUM,)\"[^\"]*\"", "$1\"LINEAR_EARLIER,SVM,0\"")
                            .replaceFirst("(matrix-small-high,SMALL,HIGH,)\"[^\"]*\"", "$1\"LINEAR_FROZEN,SOFTMAX,0\"")
                            .replaceFirst("(matrix-tiny-low,TINY,LOW,)\"[^\"]*\"", "$1\"LINEAR_EARLIER,SVM,0\"")
                            .replaceFirst("(matrix-small-low,SMALL,LOW,)\"[^\"]*\"", "$1\"TRUNCATE_GROW,SOFTMAX,1\""),
                    "thresholds.csv", RuleTesting::withoutEnsemble));
        }
        return textbook;
    }

    /**
     * A copy of rules/ in a temporary folder with some files edited (file name -> edit), loaded.
     * Without the spreadsheet twin of the matrix, which an edited matrix.drl.csv would contradict.
     */
    private static RuleBase edited(String prefix, java.util.Map<String, java.util.function.UnaryOperator<String>> edits) {
        try {
            Path dir = java.nio.file.Files.createTempDirectory(prefix);
            try (var s = java.nio.file.Files.list(Path.of("rules"))) {
                for (Path p : s.filter(f -> !f.getFileName().toString().endsWith(".drl.xlsx")).toList()) {
                    java.nio.file.Files.copy(p, dir.resolve(p.getFileName()));
                }
            }
            for (var e : edits.entrySet()) {
                Path f = dir.resolve(e.getKey());
                java.nio.file.Files.writeString(f, e.getValue().apply(java.nio.file.Files.readString(f)));
            }
            return RuleBase.load(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static RuleBase singlePlan;

    /**
     * The shipped rules as they decide for a model above ensemble.maxParameters (the zoo's): the
     * single-plan rules (matrix, cut, hyperparameters, alternatives) decide at every size, which on a
     * model the suite measured only LARGE data reaches (below it, guards.drl ensemble-plans trains the
     * ENSEMBLE of three plans; EnsemblePlansRulesTest). For tests of those mechanics on the same
     * synthetic profiles, whose size classes depend on the parameter count.
     */
    static synchronized RuleBase singlePlanRules() {
        if (singlePlan == null) {
            singlePlan = edited("single-plan-rules", java.util.Map.of("thresholds.csv", RuleTesting::withoutEnsemble));
        }
        return singlePlan;
    }

    /** thresholds.csv with ensemble.maxParameters at 0: no model trains the ENSEMBLE of its plans. */
    static String withoutEnsemble(String thresholds) {
        String edited = thresholds.replaceFirst("(?m)^ensemble\\.maxParameters,[0-9]+,", "ensemble.maxParameters,0,");
        if (edited.equals(thresholds)) {
            throw new IllegalStateException("rules/thresholds.csv has no ensemble.maxParameters row to switch the ensemble off");
        }
        return edited;
    }

    static Recommender singlePlanRecommender() {
        return new Recommender(singlePlanRules());
    }

    static Recommender.Decision decideSinglePlan(DatasetProfile... profiles) {
        return singlePlanRecommender().decide(List.of(profiles), Recommender.Request.defaults("dataset.yaml"));
    }

    static Recommender.Decision decideTextbook(DatasetProfile... profiles) {
        return new Recommender(textbookRules()).decide(List.of(profiles), Recommender.Request.defaults("dataset.yaml"));
    }

    static Recommender recommender() {
        return new Recommender(rules());
    }

    static SyntheticProfiles profile() {
        return SyntheticProfiles.profile().layers(FMNIST_CUTS).parameters(400_000);
    }

    static Recommender.Decision decide(DatasetProfile... profiles) {
        return recommender().decide(List.of(profiles), Recommender.Request.defaults("dataset.yaml"));
    }

    /**
     * The plan the rules chose for the data: the first member of an ENSEMBLE of one model's plans
     * (guards.drl ensemble-plans; EnsemblePlansRulesTest tests the ensemble), else the plan.
     */
    static io.transferadvisor.plan.Plan primary(Recommender.Decision d) {
        return Recommender.ofOneModel(d.plan()) ? d.plan().ensembleMembers().get(0) : d.plan();
    }

    /** Rule ids that fired for the (first) model, in any order. */
    static Set<String> fired(Recommender.Decision d) {
        Set<String> ids = new TreeSet<>();
        for (Recommender.ModelRun r : d.runs()) {
            r.evaluation().firings().forEach(f -> ids.add(f.rule().id()));
        }
        d.selection().firings().forEach(f -> ids.add(f.rule().id()));
        return ids;
    }

    /** Ids of the rules that inserted facts of a type. */
    static List<String> insertersOf(Recommender.Decision d, Class<?> type) {
        List<String> out = new ArrayList<>();
        for (RuleBase.RawFiring f : d.runs().get(0).evaluation().firings()) {
            if (f.inserted().stream().anyMatch(type::isInstance)) {
                out.add(f.rule().id());
            }
        }
        return out;
    }
}

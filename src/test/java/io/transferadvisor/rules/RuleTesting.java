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

    static Recommender recommender() {
        return new Recommender(rules());
    }

    static SyntheticProfiles profile() {
        return SyntheticProfiles.profile().layers(FMNIST_CUTS).parameters(400_000);
    }

    static Recommender.Decision decide(DatasetProfile... profiles) {
        return recommender().decide(List.of(profiles), Recommender.Request.defaults("dataset.yaml"));
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

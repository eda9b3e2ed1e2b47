package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.rules.facts.BestLayer;
import io.transferadvisor.rules.facts.CompetitiveLayer;
import io.transferadvisor.rules.facts.DataFacts;
import io.transferadvisor.rules.facts.DataHungry;
import io.transferadvisor.rules.facts.DomainFacts;
import io.transferadvisor.rules.facts.Imbalance;
import io.transferadvisor.rules.facts.LayerFacts;
import io.transferadvisor.rules.facts.LowShiftLayer;
import io.transferadvisor.rules.facts.Note;
import io.transferadvisor.rules.facts.SimilarityClass;
import io.transferadvisor.rules.facts.SimilarityLevel;
import io.transferadvisor.rules.facts.SizeClass;
import io.transferadvisor.rules.facts.SizeLevel;
import io.transferadvisor.rules.facts.SufficiencyFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * The derived tier (derive.drl) is inserted with insertLogical: each derived fact is justified by
 * the observed facts its rule matched and disappears or changes when they are modified or
 * retracted. A plain-insert control rule in the same session shows the difference.
 */
class TruthMaintenanceTest {

    private static final String CONTROL = """
            package t;
            import io.transferadvisor.rules.facts.*;
            rule "control-plain-insert" @id("control-plain-insert") @rationale("plain insert, for contrast")
            when DataFacts(trainPerClass < 200)
            then insert(new Note("control", "small"));
            end
            """;

    @Test
    void derivedFactsFollowTheObservedFacts(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("rules", "derive.drl"), dir.resolve("derive.drl"));
        Files.copy(Path.of("rules", Thresholds.FILE), dir.resolve(Thresholds.FILE));
        Files.writeString(dir.resolve("control.drl"), CONTROL);
        RuleBase base = RuleBase.load(dir);
        // small (100 per class), similar (0.72; layer similarities 0.97, 0.87, 0.77, 0.67, 0.57), rising
        // curve, imbalanced 4x, still data-hungry (+5 points at 2x)
        List<Object> observed = FactsBuilder.observed(RuleTesting.profile().perClass(100).similarity(0.72)
                .imbalance(4.0).gain2x(0.05).build(), 1, 5.0);
        KieSession session = base.newSession();
        try {
            Map<Object, FactHandle> handles = new LinkedHashMap<>();
            for (Object f : observed) {
                handles.put(f, session.insert(f));
            }
            session.fireAllRules();
            assertThat(all(session, SizeClass.class)).extracting(SizeClass::level).containsExactly(SizeLevel.SMALL);
            assertThat(all(session, SimilarityClass.class)).extracting(SimilarityClass::level).containsExactly(SimilarityLevel.HIGH);
            assertThat(all(session, Imbalance.class)).hasSize(1);
            assertThat(all(session, DataHungry.class)).hasSize(1);
            assertThat(all(session, BestLayer.class)).extracting(BestLayer::layer).containsExactly("fc1_relu");
            assertThat(all(session, Note.class)).hasSize(1);
            assertThat(all(session, LowShiftLayer.class)).hasSize(5);

            // modify: 3,000 images per class, balanced -> SizeClass SMALL and Imbalance are retracted, LARGE appears
            DataFacts data = only(observed, DataFacts.class);
            DataFacts large = new DataFacts(data.model(), 30_000, 21_000, data.classes(), 4000, 4200.0, 1.0,
                    data.trainableParameters(), 21_000 / (data.trainableParameters() / 1000.0), true, data.geometryFound(),
                    data.modelInput(), 0);
            session.update(handles.get(data), large);
            session.fireAllRules();
            assertThat(all(session, SizeClass.class)).extracting(SizeClass::level).containsExactly(SizeLevel.LARGE);
            assertThat(all(session, Imbalance.class)).isEmpty();
            // the plain insert is not justified by anything: it survives the change that made it wrong
            assertThat(all(session, Note.class)).hasSize(1);

            // modify: the domain drifts (similarity 0.3) -> HIGH becomes LOW, and the low-shift layers
            // of the similar-domain rule (>= 0.5) give way to the stricter shifted-domain ones (>= 0.7)
            DomainFacts domain = only(observed, DomainFacts.class);
            session.update(handles.get(domain), new DomainFacts(0.3, domain.topLayer(), 0.1, domain.labelOverlap(),
                    domain.meanMaxSoftmax(), domain.layerCount()));
            session.fireAllRules();
            assertThat(all(session, SimilarityClass.class)).extracting(SimilarityClass::level).containsExactly(SimilarityLevel.LOW);
            assertThat(all(session, LowShiftLayer.class)).extracting(LowShiftLayer::layer)
                    .containsExactlyInAnyOrder("b1_pool", "b2_pool", "b3_relu");

            // retract: without the learning-curve facts there is no DataHungry
            session.delete(handles.get(only(observed, SufficiencyFacts.class)));
            session.fireAllRules();
            assertThat(all(session, DataHungry.class)).isEmpty();

            // retract the best layer: BestLayer moves to the runner-up, its CompetitiveLayer facts go with it
            LayerFacts top = observed.stream().filter(LayerFacts.class::isInstance).map(LayerFacts.class::cast)
                    .max(Comparator.comparingDouble(LayerFacts::accuracy)).orElseThrow();
            session.delete(handles.get(top));
            session.fireAllRules();
            assertThat(all(session, BestLayer.class)).extracting(BestLayer::layer).containsExactly("b4_relu");
            assertThat(all(session, CompetitiveLayer.class)).extracting(CompetitiveLayer::layer).doesNotContain(top.layer());
            assertThat(all(session, LowShiftLayer.class)).extracting(LowShiftLayer::layer).doesNotContain(top.layer());
        } finally {
            session.dispose();
        }
    }

    @Test
    void oneFreshEvaluationStillSeesEachDerivedFactOnce() {
        // Equal logical insertions share one fact (the engine adds a justification, not a copy);
        // the repository rules produce one SizeClass and one SimilarityClass per profile.
        var e = RuleTesting.decide(RuleTesting.profile().perClass(100).similarity(0.9).build()).runs().get(0).evaluation();
        assertThat(e.all(SizeClass.class)).hasSize(1);
        assertThat(e.all(SimilarityClass.class)).hasSize(1);
        assertThat(e.all(BestLayer.class)).hasSize(1);
    }

    private static <T> List<T> all(KieSession session, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Object o : session.getObjects(type::isInstance)) {
            out.add(type.cast(o));
        }
        return out;
    }

    private static <T> T only(List<Object> facts, Class<T> type) {
        return facts.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> {
            throw new AssertionError("more than one " + type.getSimpleName());
        }).orElseThrow();
    }
}

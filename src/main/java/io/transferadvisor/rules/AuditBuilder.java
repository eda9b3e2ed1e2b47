package io.transferadvisor.rules;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.RuleBase.Evaluation;
import io.transferadvisor.rules.RuleBase.RawFiring;
import io.transferadvisor.rules.facts.Alternative;
import io.transferadvisor.rules.facts.BestLayer;
import io.transferadvisor.rules.facts.CompetitiveLayer;
import io.transferadvisor.rules.facts.FarShiftedLayer;
import io.transferadvisor.rules.facts.ShiftFloor;
import io.transferadvisor.rules.facts.DataFacts;
import io.transferadvisor.rules.facts.DataHungry;
import io.transferadvisor.rules.facts.DomainFacts;
import io.transferadvisor.rules.facts.GeometryMismatch;
import io.transferadvisor.rules.facts.Imbalance;
import io.transferadvisor.rules.facts.LabelOverlap;
import io.transferadvisor.rules.facts.LayerFacts;
import io.transferadvisor.rules.facts.LowShiftLayer;
import io.transferadvisor.rules.facts.Note;
import io.transferadvisor.rules.facts.Preferences;
import io.transferadvisor.rules.facts.Rejected;
import io.transferadvisor.rules.facts.RejectedModel;
import io.transferadvisor.rules.facts.SimilarityClass;
import io.transferadvisor.rules.facts.SizeClass;
import io.transferadvisor.rules.facts.SufficiencyFacts;
import io.transferadvisor.rules.facts.UnlabelledPool;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a Decision into the Audit: fact views, firings with evidence, rejections, reasons. */
final class AuditBuilder {
    private AuditBuilder() {}

    /**
     * How a trace of an ensemble member's own evaluation begins: "MODEL (ensemble member N:", N its
     * place among the plan's members from 1; the member's signature and ")" follow. Explanation finds
     * a member's trace by it.
     */
    static String memberTrace(String model, int position) {
        return model + " (ensemble member " + position + ":";
    }

    static final Set<Class<?>> OBSERVED = Set.of(DataFacts.class, DomainFacts.class, LayerFacts.class, SufficiencyFacts.class, Preferences.class,
            io.transferadvisor.rules.facts.MemberRequest.class);
    static final Set<Class<?>> DERIVED = Set.of(SizeClass.class, SimilarityClass.class, LabelOverlap.class, Imbalance.class,
            GeometryMismatch.class, DataHungry.class, UnlabelledPool.class, BestLayer.class, CompetitiveLayer.class,
            ShiftFloor.class, FarShiftedLayer.class, LowShiftLayer.class);

    static Audit build(RuleBase rules, List<DatasetProfile> profiles, Recommender.Request req, Recommender.Decision d,
                       List<Audit.Counterfactual> cfs, double millis) {
        List<Audit.ProfileInput> inputs = new ArrayList<>();
        for (DatasetProfile p : profiles) {
            inputs.add(new Audit.ProfileInput(p.model(), p.datasetHash(), req.modelShas().getOrDefault(p.model(), "unknown"), profileHash(p)));
        }
        // the epoch cap changes the rules' schedule; explain must be able to say so whichever command made the plan
        Map<String, String> options = new java.util.TreeMap<>(req.options());
        if (req.maxEpochs() > 0) {
            options.putIfAbsent("maxEpochs", String.valueOf(req.maxEpochs()));
        }
        Audit.Inputs in = new Audit.Inputs(req.dataset(), inputs, rules.hash(), rules.files(), options, req.seed());
        Audit.RunDetails run = new Audit.RunDetails(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                io.transferadvisor.util.ToolVersion.tool(),
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Math.round(millis * 10) / 10.0);

        List<Audit.ModelTrace> traces = new ArrayList<>();
        List<Audit.Rejection> rejected = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Plan plan = d.plan();
        String primary = plan.models().get(0);
        for (Recommender.ModelRun r : d.runs()) {
            Evaluation e = r.evaluation();
            traces.add(new Audit.ModelTrace(r.profile().model(), views(e, OBSERVED), views(e, DERIVED), decisionViews(e),
                    firings(e.firings())));
            if (r.profile().model().equals(primary)) {
                Map<Object, String> by = insertedBy(e.firings());
                for (Rejected x : sortedRejections(e)) {
                    rejected.add(new Audit.Rejection(r.profile().model(), x.strategy(), by.getOrDefault(x, "?"), x.reason()));
                }
                for (Note n : e.all(Note.class)) {
                    notes.add(noteLine(n, by));
                }
            }
        }
        // each extra member of an ENSEMBLE of one model's plans: the evaluation that assembled it, as a trace of its own
        for (int i = 0; i < d.members().size(); i++) {
            Recommender.ModelRun r = d.members().get(i);
            Evaluation e = r.evaluation();
            // its position among the plan's members (with several models, each model's plans follow its first)
            int at = d.plan().ensembleMembers().indexOf(r.plan()) + 1;
            traces.add(new Audit.ModelTrace(memberTrace(r.profile().model(), at) + " " + Recommender.signature(r.plan()) + ")",
                    views(e, OBSERVED), views(e, DERIVED), decisionViews(e), firings(e.firings())));
        }
        Map<Object, String> selBy = insertedBy(d.selection().firings());
        for (Rejected x : d.selection().all(Rejected.class)) {
            rejected.add(new Audit.Rejection(null, x.strategy(), selBy.getOrDefault(x, "?"), x.reason()));
        }
        for (RejectedModel x : d.selection().all(RejectedModel.class)) {
            rejected.add(new Audit.Rejection(x.model(), null, selBy.getOrDefault(x, "?"), "model not used: " + x.reason()));
        }
        for (Note n : d.selection().all(Note.class)) {
            notes.add(noteLine(n, selBy));
        }
        if (plan.strategy() == io.transferadvisor.plan.Strategy.ENSEMBLE) {
            // the model's own ENSEMBLE rejections are overruled by the plan; the selection's (model null) is about ensembling models
            // (but a familiar domain's pair is itself an ENSEMBLE of the model's plans, and its rule rejects the larger one: kept)
            rejected.removeIf(x -> x.model() != null && x.strategy() == io.transferadvisor.plan.Strategy.ENSEMBLE
                    && !x.rule().equals(LARGER_ENSEMBLE_REJECTED));
            // a strategy that runs as a member of the ensemble is not an alternative the plan rejected
            rejected.removeIf(x -> x.strategy() != io.transferadvisor.plan.Strategy.ENSEMBLE
                    && plan.ensembleMembers().stream().anyMatch(m -> m.strategy() == x.strategy()));
        }
        // the same rejection from the per-model stage and the selection stage (ENSEMBLE with one model) is listed once
        List<Audit.Rejection> unique = new ArrayList<>();
        for (Audit.Rejection x : rejected) {
            if (unique.stream().noneMatch(u -> u.strategy() == x.strategy() && java.util.Objects.equals(u.reason(), x.reason())
                    && (u.strategy() != null || java.util.Objects.equals(u.model(), x.model())))) {
                unique.add(x);
            }
        }
        Audit draft = new Audit(Audit.SCHEMA_VERSION, in, run, traces, firings(d.selection().firings()), plan, unique, notes, cfs, List.of());
        // the reasons in the user's own numbers, each with the threshold it crossed (the rationales quote calibration runs)
        return new Audit(Audit.SCHEMA_VERSION, in, run, traces, draft.selection(), plan, unique, notes, cfs, Explanation.of(draft).reasons());
    }

    /** Hash of the profile's reproducible part: identical runs (which differ only in timings) give the same hash. */
    static String profileHash(DatasetProfile p) {
        try {
            return Hashing.sha256(io.transferadvisor.probe.ProfileIO.canonical(p.withoutTimings()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("profile not serialisable", e);
        }
    }

    /** The rule (alternatives.drl) that rejects the larger ENSEMBLE of a model's plans where a familiar domain trains two. */
    static final String LARGER_ENSEMBLE_REJECTED = "reject-ensemble-plans-familiar";

    private static List<Rejected> sortedRejections(Evaluation e) {
        List<Rejected> all = new ArrayList<>(e.all(Rejected.class));
        all.sort(java.util.Comparator.comparing((Rejected x) -> x.strategy().ordinal()).thenComparing(Rejected::reason));
        return all;
    }

    /** A note as the audit lists it: topic, text and the rule that inserted it. */
    private static String noteLine(Note n, Map<Object, String> insertedBy) {
        return n.topic() + ": " + n.text() + " [" + insertedBy.getOrDefault(n, "?") + "]";
    }

    /** The id of the rule that inserted each fact. */
    static Map<Object, String> insertedBy(List<RawFiring> firings) {
        Map<Object, String> by = new IdentityHashMap<>();
        for (RawFiring f : firings) {
            for (Object o : f.inserted()) {
                by.put(o, f.rule().id());
            }
        }
        return by;
    }

    static List<Audit.FactView> views(Evaluation e, Set<Class<?>> kinds) {
        List<Audit.FactView> out = new ArrayList<>();
        for (Object f : e.facts()) {
            if (kinds.contains(f.getClass())) {
                out.add(view(f));
            }
        }
        out.sort(java.util.Comparator.comparing(Audit.FactView::type).thenComparing(v -> String.valueOf(v.values())));
        return out;
    }

    static List<Audit.FactView> decisionViews(Evaluation e) {
        List<Audit.FactView> out = new ArrayList<>();
        for (Object f : e.facts()) {
            if (!OBSERVED.contains(f.getClass()) && !DERIVED.contains(f.getClass()) && !(f instanceof Alternative)
                    && !(f instanceof Rejected)) {
                out.add(view(f));
            }
        }
        out.sort(java.util.Comparator.comparing(Audit.FactView::type).thenComparing(v -> String.valueOf(v.values())));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Audit.FactView view(Object f) {
        Map<String, Object> values = Json.json().convertValue(f, LinkedHashMap.class);
        return new Audit.FactView(f.getClass().getSimpleName(), values);
    }

    static List<Audit.Firing> firings(List<RawFiring> raw) {
        List<Audit.Firing> out = new ArrayList<>();
        for (RawFiring f : raw) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            for (Map.Entry<String, Object> b : f.bindings().entrySet()) {
                Object v = b.getValue();
                if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String || v instanceof Enum<?>) {
                    evidence.put(b.getKey(), v instanceof Enum<?> en ? en.name() : v);
                }
            }
            out.add(new Audit.Firing(f.seq(), f.rule().id(), f.rule().file(), f.rule().rationale(), f.rule().conditions(), evidence,
                    f.matched().stream().map(AuditBuilder::view).toList(), f.inserted().stream().map(AuditBuilder::view).toList()));
        }
        return out;
    }
}

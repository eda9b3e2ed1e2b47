package io.transferadvisor.rules;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.facts.Alternative;
import io.transferadvisor.rules.facts.DataFacts;
import io.transferadvisor.rules.facts.DomainFacts;
import io.transferadvisor.rules.facts.LayerFacts;
import io.transferadvisor.rules.facts.Preferences;
import io.transferadvisor.rules.facts.SufficiencyFacts;
import java.util.ArrayList;
import java.util.List;

/** Turns a measured DatasetProfile (+ preferences) into the observed-tier facts the rules match. */
public final class FactsBuilder {
    private FactsBuilder() {}

    public static List<Object> observed(DatasetProfile p, int models, double budgetMinutes) {
        if (p.layers().isEmpty()) {
            throw new RulesException("profile of " + p.dataset() + " on " + p.model() + " has no candidate layers; re-run 'advisor profile'");
        }
        List<Object> facts = new ArrayList<>();
        DatasetProfile.SizeStats s = p.size();
        int classes = Math.max(1, s.classes());
        double perClass = s.trainPerClass();
        double per1k = s.trainableParameters() > 0 ? s.trainImages() / (s.trainableParameters() / 1000.0) : Double.MAX_VALUE;
        facts.add(new DataFacts(p.model(), s.images(), s.trainImages(), classes, s.minPerClass(), perClass, s.imbalance(),
                s.trainableParameters(), per1k, s.geometryMatches(), geometryFound(s), s.modelInput(), p.unlabelledImages()));
        int n = p.layers().size();
        DatasetProfile.LayerProbe topLayer = p.layers().stream().max(java.util.Comparator.comparingInt(DatasetProfile.LayerProbe::index)).orElseThrow();
        DatasetProfile.SourceView view = p.sourceView();
        // A network with no source reference at its top layer (no batch norm, no activation statistics: a zoo
        // SqueezeNet, random weights) has no top-layer similarity; the overall score (which then falls back
        // to the source classifier's confidence) stands in for it, so the similarity rules always classify.
        double top = Double.isNaN(topLayer.similarity()) ? p.similarity() : topLayer.similarity();
        facts.add(new DomainFacts(p.similarity(), topLayer.layer(), top,
                view == null ? 0.0 : view.labelOverlap(), view == null ? 0.0 : view.meanMaxSoftmax(), n));
        for (DatasetProfile.LayerProbe l : p.layers()) {
            DatasetProfile.Estimate acc = l.probeAccuracy();
            DatasetProfile.Estimate logme = l.logme();
            facts.add(new LayerFacts(l.layer(), l.index(), l.index() == topLayer.index(), l.relativeDepth(), l.shift(), l.similarity(),
                    acc == null ? 0 : acc.value(), acc == null ? 0 : acc.low(), acc == null ? 0 : acc.high(),
                    logme == null ? 0 : logme.value()));
        }
        // a profile's plan trials (written by versions that ran them) are not facts: no rule reads them since
        // guards.drl ensemble-tiny-plans (now ensemble-plans) replaced the trial (docs/design/suite.md)
        DatasetProfile.Sufficiency suf = p.sufficiency();
        if (suf != null && suf.current() != null && suf.at2x() != null && suf.at4x() != null) {
            double cur = suf.current().value();
            facts.add(new SufficiencyFacts(suf.currentPerClass(), cur, suf.at2x().value(), suf.at2x().low(), suf.at2x().high(),
                    suf.at4x().value(), (suf.at2x().value() - cur) * 100.0, (suf.at4x().value() - cur) * 100.0));
        }
        facts.add(new Preferences(models, budgetMinutes));
        for (Strategy st : Strategy.values()) {
            facts.add(new Alternative(st));
        }
        return facts;
    }

    static String geometryFound(DatasetProfile.SizeStats s) {
        return range(s.heightRange()) + "x" + range(s.widthRange()) + "x"
                + (s.channelsFound() == null ? "?" : s.channelsFound().stream().map(String::valueOf).reduce((a, b) -> a + "|" + b).orElse("?"));
    }

    private static String range(List<Integer> r) {
        if (r == null || r.isEmpty()) {
            return "?";
        }
        int lo = r.get(0);
        int hi = r.get(r.size() - 1);
        return lo == hi ? String.valueOf(lo) : lo + "-" + hi;
    }
}

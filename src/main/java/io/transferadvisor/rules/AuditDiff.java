package io.transferadvisor.rules;

import io.transferadvisor.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Compares two audits: inputs, facts, firings, decision, rejections (run details are ignored). */
public final class AuditDiff {
    private AuditDiff() {}

    /** Sections of differences; empty lists when the two audits agree. */
    public record Result(List<String> inputs, List<String> facts, List<String> firings, List<String> plan, List<String> rejected) {
        public boolean same() {
            return inputs.isEmpty() && facts.isEmpty() && firings.isEmpty() && plan.isEmpty() && rejected.isEmpty();
        }
    }

    public static Result diff(Audit a, Audit b) {
        List<String> inputs = PlanDiff.diffValues(a.inputs(), b.inputs());
        List<String> facts = new ArrayList<>();
        List<String> firings = new ArrayList<>();
        Set<String> models = new LinkedHashSet<>();
        a.traces().forEach(t -> models.add(t.model()));
        b.traces().forEach(t -> models.add(t.model()));
        for (String m : models) {
            Audit.ModelTrace ta = trace(a, m);
            Audit.ModelTrace tb = trace(b, m);
            if (ta == null || tb == null) {
                facts.add("model " + m + " only in " + (ta == null ? "B" : "A"));
                continue;
            }
            String prefix = models.size() > 1 ? m + ": " : "";
            for (String d : PlanDiff.diffValues(Map.of("observed", ta.observed()), Map.of("observed", tb.observed()))) {
                facts.add(prefix + d);
            }
            Set<String> da = texts(ta.derived());
            Set<String> db = texts(tb.derived());
            for (String s : minus(da, db)) {
                facts.add(prefix + "derived only in A: " + s);
            }
            for (String s : minus(db, da)) {
                facts.add(prefix + "derived only in B: " + s);
            }
            Set<String> fa = new TreeSet<>();
            Set<String> fb = new TreeSet<>();
            ta.firings().forEach(f -> fa.add(f.rule()));
            tb.firings().forEach(f -> fb.add(f.rule()));
            for (String s : minus(fa, fb)) {
                firings.add(prefix + "fired only in A: " + s);
            }
            for (String s : minus(fb, fa)) {
                firings.add(prefix + "fired only in B: " + s);
            }
        }
        List<String> plan = PlanDiff.diff(a.plan(), b.plan());
        Set<String> ra = new TreeSet<>();
        Set<String> rb = new TreeSet<>();
        a.rejected().forEach(r -> ra.add(r.strategy() + " by " + r.rule()));
        b.rejected().forEach(r -> rb.add(r.strategy() + " by " + r.rule()));
        List<String> rejected = new ArrayList<>();
        minus(ra, rb).forEach(s -> rejected.add("only in A: " + s));
        minus(rb, ra).forEach(s -> rejected.add("only in B: " + s));
        return new Result(inputs, facts, firings, plan, rejected);
    }

    public static List<String> format(Result r, String nameA, String nameB) {
        List<String> out = new ArrayList<>();
        out.add("A = " + nameA);
        out.add("B = " + nameB);
        if (r.same()) {
            out.add("same inputs, facts, firings and plan");
            return out;
        }
        section(out, "plan", r.plan());
        section(out, "inputs", r.inputs());
        section(out, "facts", r.facts());
        section(out, "firings", r.firings());
        section(out, "rejected alternatives", r.rejected());
        return out;
    }

    private static void section(List<String> out, String title, List<String> lines) {
        if (!lines.isEmpty()) {
            out.add(title + ":");
            lines.forEach(l -> out.add("  " + l));
        }
    }

    private static Audit.ModelTrace trace(Audit a, String model) {
        return a.traces().stream().filter(t -> Objects.equals(t.model(), model)).findFirst().orElse(null);
    }

    private static Set<String> texts(List<Audit.FactView> views) {
        Set<String> s = new TreeSet<>();
        for (Audit.FactView v : views) {
            s.add(v.type() + Json.json().valueToTree(v.values()).toString());
        }
        return s;
    }

    private static List<String> minus(Set<String> a, Set<String> b) {
        List<String> out = new ArrayList<>();
        for (String s : a) {
            if (!b.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}

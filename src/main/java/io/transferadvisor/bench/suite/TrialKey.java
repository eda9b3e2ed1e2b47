package io.transferadvisor.bench.suite;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * What the suite judges of a plan: strategy, cut, grown blocks and head. LINEAR_EARLIER is
 * LINEAR_FROZEN at an earlier cut (the executor runs them alike), so both map to LINEAR_FROZEN.
 * An ENSEMBLE of one model's plans keeps its members in {@code cut}, each as
 * STRATEGY:CUT:GROW:HEAD joined by '+' (see {@link #ensemble}).
 */
public record TrialKey(Strategy strategy, String cut, int grow, HeadType head) {
    private static final String MEMBER_SEPARATOR = "+";

    public TrialKey {
        if (strategy == Strategy.LINEAR_EARLIER) {
            strategy = Strategy.LINEAR_FROZEN;
        }
        if (strategy == Strategy.FINETUNE_ALL || strategy == Strategy.FROM_SCRATCH || strategy == Strategy.AUTOENCODER_TRANSFER) {
            cut = null;
        }
        if (strategy == Strategy.ENSEMBLE && (cut == null || !cut.contains(MEMBER_SEPARATOR))) {
            throw new IllegalArgumentException("an ENSEMBLE trial key needs two or more members, got '" + cut + "'");
        }
    }

    /** The ensemble of one model's plans whose probabilities are averaged (members in this order). */
    public static TrialKey ensemble(List<TrialKey> members) {
        if (members.size() < 2 || members.stream().anyMatch(m -> m.strategy() == Strategy.ENSEMBLE)) {
            throw new IllegalArgumentException("an ensemble needs two or more single plans, got " + members);
        }
        return new TrialKey(Strategy.ENSEMBLE, String.join(MEMBER_SEPARATOR, members.stream()
                .map(m -> m.strategy() + ":" + (m.cut() == null ? "-" : m.cut()) + ":" + m.grow() + ":" + m.head()).toList()), 0, HeadType.SOFTMAX);
    }

    /** An ensemble's member plans; empty for a single plan. */
    public List<TrialKey> members() {
        if (strategy != Strategy.ENSEMBLE) {
            return List.of();
        }
        List<TrialKey> out = new ArrayList<>();
        for (String m : cut.split(java.util.regex.Pattern.quote(MEMBER_SEPARATOR))) {
            String[] f = m.split(":");
            out.add(new TrialKey(Strategy.valueOf(f[0]), f[1].equals("-") ? null : f[1], Integer.parseInt(f[2]), HeadType.valueOf(f[3])));
        }
        return out;
    }

    /** A plan's key; an ENSEMBLE of one model's plans is the ensemble of its members' keys. */
    public static TrialKey of(Plan p) {
        if (io.transferadvisor.rules.Recommender.ofOneModel(p)) {
            return ensemble(p.ensembleMembers().stream().map(TrialKey::of).toList());
        }
        return new TrialKey(p.strategy(), p.cutoffLayer(), p.growBlocks(), p.head());
    }

    public String id() {
        return strategy + "|" + (cut == null ? "-" : cut) + "|" + grow + "|" + head;
    }

    public static TrialKey parse(String id) {
        String[] p = id.split("\\|");
        if (p.length != 4) {
            throw new IllegalArgumentException("trial key '" + id + "' is not STRATEGY|CUT|GROW|HEAD");
        }
        return new TrialKey(Strategy.valueOf(p[0]), p[1].equals("-") ? null : p[1], Integer.parseInt(p[2]), HeadType.valueOf(p[3]));
    }

    /** Short label for tables: "FINETUNE_ABOVE b2_pool", "LINEAR_FROZEN fc1_relu (SVM)", "TRUNCATE_GROW b2_pool +1". */
    public String label() {
        if (strategy == Strategy.ENSEMBLE) {
            return "ENSEMBLE of " + String.join(" + ", members().stream().map(TrialKey::label).toList());
        }
        return strategy + (cut == null ? "" : " " + cut) + (grow > 0 ? " +" + grow : "") + (head == HeadType.SOFTMAX ? "" : " (" + head + ")");
    }

    /**
     * The oracle's candidates: a softmax and an SVM linear classifier at every candidate cut,
     * TRUNCATE_GROW (+1 block) and FINETUNE_ABOVE at every cut below the top one, FINETUNE_ALL and
     * FROM_SCRATCH. (FINETUNE_ABOVE at the top cut trains just the head: the linear trial.)
     */
    public static List<TrialKey> oracle(List<String> cuts) {
        List<TrialKey> out = new ArrayList<>();
        for (String c : cuts) {
            out.add(new TrialKey(Strategy.LINEAR_FROZEN, c, 0, HeadType.SOFTMAX));
            out.add(new TrialKey(Strategy.LINEAR_FROZEN, c, 0, HeadType.SVM));
        }
        for (String c : cuts.subList(0, cuts.size() - 1)) {
            out.add(new TrialKey(Strategy.TRUNCATE_GROW, c, 1, HeadType.SOFTMAX));
            out.add(new TrialKey(Strategy.FINETUNE_ABOVE, c, 0, HeadType.SOFTMAX));
        }
        out.add(new TrialKey(Strategy.FINETUNE_ALL, null, 0, HeadType.SOFTMAX));
        out.add(new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX));
        return out;
    }

    /**
     * Ensembles of one model's plans the suite also trains on every run: instead of choosing between
     * fine-tuning above the first cut and a block grown on the middle cut (the measured plan trial's
     * two candidates until 2026-11-30), average them, and the same with training from scratch or
     * fine-tuning everything added as a third member; and fine-tuning above the first cut with
     * fine-tuning everything and training from scratch (no frozen features at all); and the pair with
     * fine-tuning above the cut below the top instead of from scratch, or as a fourth member; and the
     * four with a block grown on the cut below the top in place of that fine-tuning, or as a fifth
     * member (where the model has a cut between the middle and the top). Positions, not layer names,
     * as the trial's were.
     */
    public static List<TrialKey> planEnsembles(List<String> cuts) {
        TrialKey fine = new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(0), 0, HeadType.SOFTMAX);
        TrialKey grow = new TrialKey(Strategy.TRUNCATE_GROW, cuts.get(cuts.size() / 2), 1, HeadType.SOFTMAX);
        TrialKey scratch = new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX);
        TrialKey all = new TrialKey(Strategy.FINETUNE_ALL, null, 0, HeadType.SOFTMAX);
        // since 2026-11-30 17:10: fine-tuning above the cut below the top as a member (the plan that won the TINY Fashion
        // tasks with geometric and photometric shifts), replacing training from scratch or beside it
        TrialKey deep = new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(cuts.size() - 2), 0, HeadType.SOFTMAX);
        List<TrialKey> out = new java.util.ArrayList<>(List.of(ensemble(List.of(fine, grow)), ensemble(List.of(fine, grow, scratch)),
                ensemble(List.of(fine, grow, all)), ensemble(List.of(fine, all, scratch)), ensemble(List.of(fine, grow, deep)),
                ensemble(List.of(fine, grow, scratch, deep))));
        // since 2026-12-01: a block grown on the cut below the top as a member, in place of fine-tuning there or beside it (TRUNCATE_GROW
        // at that cut won shapes-a-20 on two of three calibration runs, where every fine-tuning plan lost 8-10 points)
        TrialKey growDeep = new TrialKey(Strategy.TRUNCATE_GROW, cuts.get(cuts.size() - 2), 1, HeadType.SOFTMAX);
        if (!growDeep.equals(grow)) {
            out.add(ensemble(List.of(fine, grow, scratch, growDeep)));
            out.add(ensemble(List.of(fine, grow, scratch, deep, growDeep)));
            out.add(tinyLinear(cuts));
        }
        return List.copyOf(out);
    }

    /**
     * Since stop 45 (guards.drl ensemble-plans-tiny-linear-top, docs/design/suite.md "A sixth member on TINY data"): the five
     * members of TINY data and a softmax head on the frozen top cut, their probabilities averaged; null where the model has no cut
     * between the middle and the top. The last of {@link #planEnsembles}; the suite trains it only on runs under
     * SuiteRunner#TINY_PER_CLASS training images per class, the only data the rules train it on.
     */
    public static TrialKey tinyLinear(List<String> cuts) {
        TrialKey grow = new TrialKey(Strategy.TRUNCATE_GROW, cuts.get(cuts.size() / 2), 1, HeadType.SOFTMAX);
        TrialKey growDeep = new TrialKey(Strategy.TRUNCATE_GROW, cuts.get(cuts.size() - 2), 1, HeadType.SOFTMAX);
        if (growDeep.equals(grow)) {
            return null;
        }
        return ensemble(List.of(new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(0), 0, HeadType.SOFTMAX), grow,
                new TrialKey(Strategy.FROM_SCRATCH, null, 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(cuts.size() - 2), 0, HeadType.SOFTMAX), growDeep,
                new TrialKey(Strategy.LINEAR_FROZEN, cuts.get(cuts.size() - 1), 0, HeadType.SOFTMAX)));
    }

    /**
     * The plan of a familiar domain (guards.drl familiar-domain, since stop 42): fine-tuning above the cut just below the top
     * averaged with a softmax head on the frozen top cut, in the order the rules train them. Kept out of {@link #planEnsembles},
     * whose list SuitePlanEnsembles chooses the ensemble of plans from; the suite trains it on every run beside them.
     */
    public static TrialKey familiarPair(List<String> cuts) {
        return ensemble(List.of(new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(cuts.size() - 2), 0, HeadType.SOFTMAX),
                new TrialKey(Strategy.LINEAR_FROZEN, cuts.get(cuts.size() - 1), 0, HeadType.SOFTMAX)));
    }
}

package io.transferadvisor.bench.suite;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * What the suite judges of a plan: strategy, cut, grown blocks and head. LINEAR_EARLIER is
 * LINEAR_FROZEN at an earlier cut (the executor runs them alike), so both map to LINEAR_FROZEN.
 */
public record TrialKey(Strategy strategy, String cut, int grow, HeadType head) {
    public TrialKey {
        if (strategy == Strategy.LINEAR_EARLIER) {
            strategy = Strategy.LINEAR_FROZEN;
        }
        if (strategy == Strategy.FINETUNE_ALL || strategy == Strategy.FROM_SCRATCH || strategy == Strategy.AUTOENCODER_TRANSFER) {
            cut = null;
        }
    }

    public static TrialKey of(Plan p) {
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
}

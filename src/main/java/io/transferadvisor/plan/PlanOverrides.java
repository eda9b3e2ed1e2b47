package io.transferadvisor.plan;

import io.transferadvisor.UsageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line overrides of a plan, as typed values (null: keep the plan's). Applying them returns
 * a new plan whose {@code overrides} list records each change as {@code key=new (was old)}, so the
 * run says what a person changed; the freeze list goes into {@link Plan#freeze()}.
 */
public record PlanOverrides(Strategy strategy, String cutoff, List<String> freeze, Double learningRate,
                            Double backboneLearningRate, Integer epochs, String learningRateSchedule) {
    public PlanOverrides(Strategy strategy, String cutoff, List<String> freeze, Double learningRate, Double backboneLearningRate, Integer epochs) {
        this(strategy, cutoff, freeze, learningRate, backboneLearningRate, epochs, null);
    }

    public PlanOverrides {
        if (learningRateSchedule != null) {
            parseSchedule(learningRateSchedule); // a bad value is a usage error now, before any work
        }
        freeze = freeze == null ? List.of() : List.copyOf(freeze);
        // Command-line values: a bad one is a usage error (exit 2), not a bad plan file (exit 6).
        if (epochs != null && (epochs < 1 || epochs > 10_000)) {
            throw new UsageException("--epochs " + epochs + " out of range; allowed 1..10000");
        }
        if (learningRate != null && !(learningRate > 0 && learningRate <= 1)) {
            throw new UsageException("--lr " + learningRate + " out of range; allowed (0, 1], e.g. --lr 0.001");
        }
        if (backboneLearningRate != null && !(backboneLearningRate >= 0 && backboneLearningRate <= 1)) {
            throw new UsageException("--backbone-lr " + backboneLearningRate + " out of range; allowed 0..1 (0 = backbone frozen)");
        }
        if (cutoff != null && cutoff.isBlank()) {
            throw new UsageException("--cutoff is empty; give a layer name of the model (see 'advisor models')");
        }
    }

    public static PlanOverrides none() {
        return new PlanOverrides(null, null, List.of(), null, null, null, null);
    }

    /**
     * {@code --lr-schedule}: {@code constant} (null), {@code warmup:EPOCHS[:PEAK]} or
     * {@code one-cycle:EPOCHS[:PEAK]}, PEAK a multiplier of the plan's rates (default 1).
     */
    public static LrSchedule parseSchedule(String spec) {
        String usage = "; use constant, warmup:EPOCHS[:PEAK] or one-cycle:EPOCHS[:PEAK], e.g. --lr-schedule one-cycle:12";
        String v = spec.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (v.equals("constant")) {
            return null;
        }
        String[] parts = v.split(":", -1);
        LrSchedule.Kind kind = switch (parts[0]) {
            case "warmup" -> LrSchedule.Kind.WARMUP;
            case "one-cycle" -> LrSchedule.Kind.ONE_CYCLE;
            default -> throw new UsageException("--lr-schedule " + spec + ": unknown schedule '" + parts[0] + "'" + usage);
        };
        if (parts.length < 2 || parts.length > 3) {
            throw new UsageException("--lr-schedule " + spec + ": expected " + parts[0] + ":EPOCHS or " + parts[0] + ":EPOCHS:PEAK" + usage);
        }
        int epochs;
        try {
            epochs = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new UsageException("--lr-schedule " + spec + ": EPOCHS '" + parts[1] + "' is not a whole number" + usage);
        }
        double peak = 1.0;
        if (parts.length == 3) {
            try {
                peak = Double.parseDouble(parts[2]);
            } catch (NumberFormatException e) {
                throw new UsageException("--lr-schedule " + spec + ": PEAK '" + parts[2] + "' is not a number" + usage);
            }
        }
        try {
            return new LrSchedule(kind, epochs, peak);
        } catch (PlanException e) {
            throw new UsageException("--lr-schedule " + spec + ": " + e.getMessage());
        }
    }

    public boolean isEmpty() {
        return strategy == null && cutoff == null && freeze.isEmpty() && learningRate == null
                && backboneLearningRate == null && epochs == null && learningRateSchedule == null;
    }

    public Plan apply(Plan plan) {
        if (isEmpty()) {
            return plan;
        }
        List<String> notes = new ArrayList<>(plan.overrides());
        Strategy s = plan.strategy();
        if (strategy != null && strategy != s) {
            notes.add("strategy=" + strategy + " (was " + s + ")");
            s = strategy;
        }
        boolean needsCut = s.needsCutoff();
        // AUTOENCODER_TRANSFER may take one: where its encoder ends (else the deepest spatial candidate)
        boolean takesCut = needsCut || s == Strategy.AUTOENCODER_TRANSFER;
        // an override the strategy would not read is refused, not recorded as if it had been applied
        if (cutoff != null && !takesCut) {
            throw new UsageException("--cutoff " + cutoff + ": strategy " + s + " takes no cutoff layer"
                    + (s == Strategy.ENSEMBLE ? " (each member has its own)" : "") + "; only LINEAR_FROZEN, LINEAR_EARLIER, TRUNCATE_GROW, "
                    + "FINETUNE_ABOVE and AUTOENCODER_TRANSFER do (choose one with --strategy)");
        }
        if (backboneLearningRate != null && s == Strategy.ENSEMBLE) {
            boolean anyFineTunes = plan.ensembleMembers().stream().anyMatch(m -> usesBackboneRate(m.strategy()));
            if (backboneLearningRate > 0 && !anyFineTunes) {
                throw new UsageException("--backbone-lr " + backboneLearningRate + ": no member of this ensemble trains a pretrained backbone layer");
            }
            if (backboneLearningRate == 0 && anyFineTunes) {
                throw new UsageException("--backbone-lr 0: this ensemble has members that fine-tune their backbone; 0 would leave it untrained "
                        + "(give a positive rate, or none)");
            }
        } else if (backboneLearningRate != null && backboneLearningRate > 0 && !usesBackboneRate(s)) {
            throw new UsageException("--backbone-lr " + backboneLearningRate + ": strategy " + s + " trains no pretrained backbone layer"
                    + (s == Strategy.FROM_SCRATCH ? " (every layer is new and learns at the head rate, --lr)" : " (it stays frozen)")
                    + "; use it with FINETUNE_ABOVE, FINETUNE_ALL or AUTOENCODER_TRANSFER");
        }
        if (!freeze.isEmpty() && !(s == Strategy.FINETUNE_ABOVE || s == Strategy.FINETUNE_ALL || s == Strategy.FROM_SCRATCH
                || s == Strategy.AUTOENCODER_TRANSFER)) {
            throw new UsageException("--freeze: strategy " + s + (s == Strategy.ENSEMBLE ? " runs its members' own plans" : " trains no layer of the model")
                    + "; it applies to FINETUNE_ABOVE, FINETUNE_ALL, FROM_SCRATCH and AUTOENCODER_TRANSFER");
        }
        String cut = plan.cutoffLayer();
        if (cutoff != null && !cutoff.equals(cut)) {
            notes.add("cutoffLayer=" + cutoff + " (was " + cut + ")");
            cut = cutoff;
        }
        if (!takesCut && cut != null) {
            // a cut left over from the plan's old strategy: the new one would ignore it, so the run's record must not show it
            notes.add("cutoffLayer=none (was " + cut + "; " + s + " takes none)");
            cut = null;
        }
        if (needsCut && (cut == null || cut.isBlank())) {
            throw new UsageException("--strategy " + s + " needs a cutoff layer and the plan (" + plan.strategy() + ") has none; add --cutoff LAYER"
                    + " (the candidate layers are in the profile and in 'advisor models')");
        }
        Hyperparameters h = plan.hyperparameters();
        if (learningRate != null) {
            notes.add("headLearningRate=" + learningRate + " (was " + h.headLearningRate() + ")");
        }
        if (backboneLearningRate != null) {
            notes.add("backboneLearningRate=" + backboneLearningRate + " (was " + h.backboneLearningRate() + ")");
        }
        if (epochs != null) {
            notes.add("maxEpochs=" + epochs + " (was " + h.maxEpochs() + ")");
        }
        if (!freeze.isEmpty()) {
            notes.add(Plan.FREEZE_NOTE + String.join(",", freeze) + " (was "
                    + (plan.freeze() == null ? "none" : String.join(",", plan.freeze())) + ")");
        }
        int grow = plan.growBlocks();
        if (s == Strategy.TRUNCATE_GROW && grow < 1) {
            grow = 1;
            notes.add("growBlocks=1 (was " + plan.growBlocks() + ", TRUNCATE_GROW needs >= 1)");
        } else if (s != Strategy.TRUNCATE_GROW && grow > 0 && strategy != null) {
            grow = 0;
        }
        LrSchedule ls = learningRateSchedule == null ? null : parseSchedule(learningRateSchedule);
        if (learningRateSchedule != null && !java.util.Objects.equals(ls, h.learningRateSchedule())) {
            notes.add("learningRateSchedule=" + LrSchedule.describe(ls) + " (was " + LrSchedule.describe(h.learningRateSchedule()) + ")");
        }
        // an ensemble's members train with their own hyperparameters: the overrides reach them too
        // (the backbone rate only to members that fine-tune a backbone); the ensemble's own copy stays equal to the member it copies
        List<Plan> members = new ArrayList<>();
        Hyperparameters top = null;
        if (s == Strategy.ENSEMBLE) {
            for (Plan m : plan.ensembleMembers()) {
                Hyperparameters e = edited(m.hyperparameters(), usesBackboneRate(m.strategy()), ls);
                if (top == null && m.hyperparameters().equals(h)) {
                    top = e;
                }
                members.add(m.withHyperparameters(e));
            }
        }
        if (top == null) {
            top = edited(h, s != Strategy.ENSEMBLE || backboneLearningRate == null || backboneLearningRate > 0, ls);
        }
        // shape first: a plan leaving ENSEMBLE may only then drop its members
        Plan out = plan.withShape(s, cut, grow).withEnsembleMembers(members).withHyperparameters(top).withOverrides(notes);
        if (!freeze.isEmpty()) {
            out = out.withFreeze(freeze);
        }
        requireTrainableBackbone(out);
        return out;
    }

    /**
     * The hyperparameter overrides (rates, epoch cap, learning-rate schedule, already parsed as {@code schedule}) applied to one plan's
     * hyperparameters; the backbone rate only if {@code backbone}.
     */
    private Hyperparameters edited(Hyperparameters h, boolean backbone, LrSchedule schedule) {
        Hyperparameters nh = h.withLearningRates(learningRate != null ? learningRate : h.headLearningRate(),
                backboneLearningRate != null && backbone ? backboneLearningRate : h.backboneLearningRate());
        if (epochs != null) {
            nh = nh.withMaxEpochs(epochs);
        }
        return learningRateSchedule != null ? nh.withLearningRateSchedule(schedule) : nh;
    }

    /** PlanException if the backbone rate 0 of a fine-tuning plan was asked for explicitly (an override note says so). */
    public static void requireTrainableBackbone(Plan plan) {
        Hyperparameters h = plan.hyperparameters();
        if (!usesBackboneRate(plan.strategy()) || h.backboneLearningRate() > 0) {
            return;
        }
        for (String o : plan.overrides()) {
            if (o.startsWith("backboneLearningRate=") && !o.contains(BACKBONE_DEFAULT_NOTE)) {
                throw new PlanException("backboneLearningRate 0 with strategy " + plan.strategy()
                        + ": the backbone would not train (only the head would); use --strategy LINEAR_FROZEN, or a positive --backbone-lr such as "
                        + h.headLearningRate() / 10);
            }
        }
    }

    /** Marks the override note {@link #withBackboneRate} records. */
    public static final String BACKBONE_DEFAULT_NOTE = "(strategy override; plan had 0)";

    /** Strategies that train pretrained backbone layers at {@code backboneLearningRate}
     *  (FROM_SCRATCH trains everything at the head rate; frozen strategies never touch it). */
    public static boolean usesBackboneRate(Strategy s) {
        return s == Strategy.FINETUNE_ABOVE || s == Strategy.FINETUNE_ALL || s == Strategy.AUTOENCODER_TRANSFER;
    }

    /**
     * A plan whose strategy fine-tunes backbone layers but whose backbone rate is 0 (every LINEAR_*
     * plan has 0, so `--strategy FINETUNE_ALL` on one would silently train only the head): the
     * backbone gets headLearningRate/10, recorded in the overrides. If the 0 was asked for
     * explicitly (`--backbone-lr 0`, recorded as an override), that is a contradiction: PlanException.
     * Unchanged for every other plan (so calling it twice changes nothing); ENSEMBLE members one by one.
     */
    public static Plan withBackboneRate(Plan plan) {
        if (plan.strategy() == Strategy.ENSEMBLE) {
            List<Plan> members = new ArrayList<>();
            boolean changed = false;
            for (Plan m : plan.ensembleMembers()) {
                Plan f = withBackboneRate(m);
                changed |= f != m;
                members.add(f);
            }
            return !changed ? plan : plan.withEnsembleMembers(members);
        }
        Hyperparameters h = plan.hyperparameters();
        if (!usesBackboneRate(plan.strategy()) || h.backboneLearningRate() > 0) {
            return plan;
        }
        requireTrainableBackbone(plan);
        double blr = h.headLearningRate() / 10;
        List<String> notes = new ArrayList<>(plan.overrides());
        notes.add("backboneLearningRate=" + blr + " " + BACKBONE_DEFAULT_NOTE);
        return plan.withHyperparameters(h.withLearningRates(h.headLearningRate(), blr)).withOverrides(notes);
    }
}

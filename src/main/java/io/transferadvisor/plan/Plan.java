package io.transferadvisor.plan;

import java.util.List;

/**
 * What to do, in a file a person can read and edit (plan.yaml). Produced by the rules, consumed
 * by the executor. No framework imports.
 *
 * @param schemaVersion  plan format version, currently 1
 * @param dataset        path of the dataset.yaml this plan is for (relative to the plan file, or absolute)
 * @param models         pretrained models used; one unless the strategy is ENSEMBLE
 * @param strategy       the chosen strategy
 * @param cutoffLayer    the model's own layer name: frozen up to and including it (null for
 *                       FINETUNE_ALL, FROM_SCRATCH, AUTOENCODER_TRANSFER)
 * @param head           classifier on top
 * @param growBlocks     new convolution blocks added above the cutoff (TRUNCATE_GROW only, else 0)
 * @param hyperparameters training settings
 * @param collectMore    null, or advice to label more data (the plan still names the best plan for the data at hand)
 * @param ensembleMembers for ENSEMBLE: one single-model plan per member; else empty
 * @param seed           seed for every random choice of the execution
 * @param budgetMinutes  wall-clock budget for the execution
 * @param overrides      what a person overrode on the command line (recorded, never hidden)
 * @param freeze         layers frozen exactly as listed (set by {@code --freeze}, fine-tuning strategies);
 *                       null when the strategy decides what is frozen. An empty list is stored as null,
 *                       so a plan without one writes no {@code freeze} line.
 */
public record Plan(
        int schemaVersion,
        String dataset,
        List<String> models,
        Strategy strategy,
        String cutoffLayer,
        HeadType head,
        int growBlocks,
        Hyperparameters hyperparameters,
        CollectMore collectMore,
        List<Plan> ensembleMembers,
        long seed,
        double budgetMinutes,
        List<String> overrides,
        List<String> freeze) {

    public static final int SCHEMA_VERSION = 1;

    public Plan {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new PlanException("plan schemaVersion " + schemaVersion + " not supported; this advisor reads " + SCHEMA_VERSION);
        }
        if (strategy == null) {
            throw new PlanException("plan.strategy missing; allowed " + java.util.Arrays.toString(Strategy.values()));
        }
        models = models == null ? List.of() : List.copyOf(models);
        if (models.isEmpty()) {
            throw new PlanException("plan.models is empty; name at least one pretrained model");
        }
        if (head == null) {
            head = HeadType.SOFTMAX;
        }
        if (hyperparameters == null) {
            throw new PlanException("plan.hyperparameters missing");
        }
        if (strategy.needsCutoff() && (cutoffLayer == null || cutoffLayer.isBlank())) {
            throw new PlanException("plan.cutoffLayer missing; strategy " + strategy + " needs a cutoff layer");
        }
        if (growBlocks < 0 || growBlocks > 4) {
            throw new PlanException("plan.growBlocks " + growBlocks + " out of range; allowed 0..4");
        }
        if (strategy == Strategy.TRUNCATE_GROW && growBlocks < 1) {
            throw new PlanException("plan.growBlocks must be >= 1 for TRUNCATE_GROW");
        }
        ensembleMembers = ensembleMembers == null ? List.of() : List.copyOf(ensembleMembers);
        if (strategy == Strategy.ENSEMBLE && ensembleMembers.size() < 2) {
            throw new PlanException("plan.ensembleMembers has " + ensembleMembers.size() + " plans; ENSEMBLE needs at least 2");
        }
        if (!(budgetMinutes > 0)) {
            throw new PlanException("plan.budgetMinutes " + budgetMinutes + " must be > 0");
        }
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        if (freeze == null || freeze.isEmpty()) {
            freeze = legacyFreeze(overrides);
        }
        if (freeze != null) {
            for (String layer : freeze) {
                if (layer == null || layer.isBlank()) {
                    throw new PlanException("plan.freeze has an empty layer name; list the model's layer names (see 'advisor models')");
                }
            }
            freeze = List.copyOf(freeze);
        }
    }

    /** A plan without an explicit freeze list (what the rules and most callers build). */
    public Plan(int schemaVersion, String dataset, List<String> models, Strategy strategy, String cutoffLayer, HeadType head,
                int growBlocks, Hyperparameters hyperparameters, CollectMore collectMore, List<Plan> ensembleMembers, long seed,
                double budgetMinutes, List<String> overrides) {
        this(schemaVersion, dataset, models, strategy, cutoffLayer, head, growBlocks, hyperparameters, collectMore, ensembleMembers,
                seed, budgetMinutes, overrides, null);
    }

    /** The note {@code --freeze} leaves in {@link #overrides}: before the field existed it was the only record of the list. */
    public static final String FREEZE_NOTE = "freeze=";

    /**
     * Plans written before {@code freeze} was a field (run folders being resumed, saved plans) kept
     * the list only in an override note {@code freeze=L1,L2}; the last such note is read back so
     * they still run as they did. Null when there is none. (Notes written since read
     * {@code freeze=L1,L2 (was none)} and are never parsed: the field is the record.)
     */
    private static List<String> legacyFreeze(List<String> overrides) {
        for (int i = overrides.size() - 1; i >= 0; i--) {
            String o = overrides.get(i);
            if (o.startsWith(FREEZE_NOTE) && !o.contains(" (was ")) {
                List<String> out = new java.util.ArrayList<>();
                for (String s : o.substring(FREEZE_NOTE.length()).split(",")) {
                    if (!s.isBlank()) {
                        out.add(s.trim());
                    }
                }
                return out.isEmpty() ? null : out;
            }
        }
        return null;
    }

    /** The explicit freeze list, empty when the strategy decides. */
    public List<String> frozenLayers() {
        return freeze == null ? List.of() : freeze;
    }

    // Typed edits: a copy with one aspect changed, validated like any plan (no 13-argument constructor at the call site).

    /** The same plan with another strategy, cut and number of grown blocks (checked together: TRUNCATE_GROW needs >= 1 block). */
    public Plan withShape(Strategy s, String cut, int grow) {
        return new Plan(schemaVersion, dataset, models, s, cut, head, grow, hyperparameters, collectMore, ensembleMembers, seed, budgetMinutes, overrides, freeze);
    }

    public Plan withHyperparameters(Hyperparameters h) {
        return new Plan(schemaVersion, dataset, models, strategy, cutoffLayer, head, growBlocks, h, collectMore, ensembleMembers, seed, budgetMinutes, overrides, freeze);
    }

    public Plan withDataset(String d) {
        return new Plan(schemaVersion, d, models, strategy, cutoffLayer, head, growBlocks, hyperparameters, collectMore, ensembleMembers, seed, budgetMinutes, overrides, freeze);
    }

    public Plan withEnsembleMembers(List<Plan> members) {
        return new Plan(schemaVersion, dataset, models, strategy, cutoffLayer, head, growBlocks, hyperparameters, collectMore, members, seed, budgetMinutes, overrides, freeze);
    }

    public Plan withCollectMore(CollectMore c) {
        return new Plan(schemaVersion, dataset, models, strategy, cutoffLayer, head, growBlocks, hyperparameters, c, ensembleMembers, seed, budgetMinutes, overrides, freeze);
    }

    public Plan withBudgetMinutes(double minutes) {
        return new Plan(schemaVersion, dataset, models, strategy, cutoffLayer, head, growBlocks, hyperparameters, collectMore, ensembleMembers, seed, minutes, overrides, freeze);
    }

    /** The same plan with exactly these layers frozen (null or empty: the strategy decides). */
    public Plan withFreeze(List<String> layers) {
        return new Plan(schemaVersion, dataset, models, strategy, cutoffLayer, head, growBlocks, hyperparameters, collectMore, ensembleMembers, seed, budgetMinutes, overrides, layers);
    }

    /** The same plan with these override notes (what was changed by hand, recorded for the audit trail). */
    public Plan withOverrides(List<String> notes) {
        return new Plan(schemaVersion, dataset, models, strategy, cutoffLayer, head, growBlocks, hyperparameters, collectMore, ensembleMembers, seed, budgetMinutes, notes, freeze);
    }
}

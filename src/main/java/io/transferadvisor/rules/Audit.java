package io.transferadvisor.rules;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import java.util.List;
import java.util.Map;

/**
 * Why the plan is what it is (after Tribuo's provenance): reproducible inputs kept apart from the
 * details of this run, every rule firing in order with its rationale and evidence, the decision,
 * the alternatives rejected and by which rule, and what would change the decision.
 *
 * @param schemaVersion   format version, currently 1
 * @param inputs          everything that determines the decision (same inputs + same rules = same plan)
 * @param run             when / where it ran (excluded from diffs and golden files)
 * @param traces          per pretrained model: observed facts, derived facts, decisions, firings
 * @param selection       firings of the model-selection stage (pick one model)
 * @param plan            the decision
 * @param rejected        alternatives not taken, each with the rule that rejected it
 * @param notes           advice that does not change the plan
 * @param counterfactuals nearest changes of the inputs that change the decision
 * @param reasons         the reasons that carried the decision in the user's numbers, with the thresholds crossed (Explanation)
 */
public record Audit(int schemaVersion, Inputs inputs, RunDetails run, List<ModelTrace> traces, List<Firing> selection,
                    Plan plan, List<Rejection> rejected, List<String> notes, List<Counterfactual> counterfactuals,
                    List<String> reasons) {

    public static final int SCHEMA_VERSION = 1;

    public Audit {
        traces = traces == null ? List.of() : List.copyOf(traces);
        selection = selection == null ? List.of() : List.copyOf(selection);
        rejected = rejected == null ? List.of() : List.copyOf(rejected);
        notes = notes == null ? List.of() : List.copyOf(notes);
        counterfactuals = counterfactuals == null ? List.of() : List.copyOf(counterfactuals);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    /**
     * @param dataset    dataset.yaml the plan is for
     * @param profiles   one per model: hashes of what was measured
     * @param rulesHash  SHA-256 over the rule files (names and contents)
     * @param ruleFiles  the rule files, in load order
     * @param options    command-line options that influence the decision
     * @param seed       seed recorded in the plan
     */
    public record Inputs(String dataset, List<ProfileInput> profiles, String rulesHash, List<String> ruleFiles,
                         Map<String, String> options, long seed) {}

    /**
     * @param model        model name
     * @param datasetHash  content hash of the labelled data (from the profile)
     * @param modelSha256  SHA-256 of the model's weights ("unknown" if not resolvable here)
     * @param profileHash  SHA-256 of the profile's canonical JSON
     */
    public record ProfileInput(String model, String datasetHash, String modelSha256, String profileHash) {}

    public record RunDetails(String time, String tool, String java, String os, double millis) {}

    /** One model's evaluation. */
    public record ModelTrace(String model, List<FactView> observed, List<FactView> derived, List<FactView> decisions,
                             List<Firing> firings) {}

    /** A fact with its field values. */
    public record FactView(String type, Map<String, Object> values) {}

    /**
     * One rule firing.
     *
     * @param seq        order of firing, from 1
     * @param rule       the rule's @id
     * @param file       the rule file it is in
     * @param rationale  the rule's @rationale
     * @param conditions the rule's conditions (its thresholds)
     * @param evidence   the values the conditions bound, e.g. trainPerClass=120.0
     * @param matched    the facts it matched
     * @param inserted   the facts its consequence inserted
     */
    public record Firing(int seq, String rule, String file, String rationale, List<String> conditions,
                         Map<String, Object> evidence, List<FactView> matched, List<FactView> inserted) {}

    /** A strategy (or model) not taken, and the rule that rejected it. */
    public record Rejection(String model, Strategy strategy, String rule, String reason) {}

    /**
     * @param change  what was varied: images, similarity, unlabelled, imbalance, overlap
     * @param from    its measured value
     * @param to      the nearest value that changes the decision
     * @param becomes the changed decision, e.g. "FINETUNE_ABOVE b3_relu"
     * @param text    the sentence for people
     */
    public record Counterfactual(String change, String from, String to, String becomes, String text) {}
}

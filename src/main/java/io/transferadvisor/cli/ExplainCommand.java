package io.transferadvisor.cli;

import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.Audit;
import io.transferadvisor.rules.AuditDiff;
import io.transferadvisor.rules.AuditIO;
import io.transferadvisor.rules.AuditText;
import io.transferadvisor.rules.Explanation;
import io.transferadvisor.rules.PlanDiff;
import io.transferadvisor.rules.PlanFiles;
import io.transferadvisor.rules.ProfileEdits;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `advisor explain PLAN.yaml|RUN_DIR`: the short explanation, --full the trace; --what-if re-runs; --diff compares. */
@Command(name = "explain",
        mixinStandardHelpOptions = true,
        description = {
            "Explain a plan in about 30 lines: the decision, the reasons that carried it (your numbers next to the "
                + "threshold each crossed), values changed after a rule set them, what would change the decision, and why "
                + "not each alternative.",
            "--full prints the whole trace: observed and derived facts, every rule firing in order with its rationale "
                + "and evidence; --json prints the audit.",
            "--what-if KEY=VALUE re-runs the rules on the saved profile with changed facts and shows the new plan and the "
                + "difference. Keys: train_per_class (training images per class, the number the size rules compare), "
                + "images (labelled images in all: training, validation and test, scaled together), similarity, "
                + "imbalance, unlabelled, overlap.",
            "--diff A B compares two audits (plan files, audit JSON files or run directories)."},
        footer = {"",
            "Examples:",
            "  advisor explain plan.yaml",
            "  advisor explain plan.yaml --full",
            "  advisor explain plan.yaml --what-if train_per_class=200",
            "  advisor explain plan.yaml --what-if images=5000 --what-if similarity=0.3",
            "  advisor explain runs/2026-01-01T10-00 --json",
            "  advisor explain --diff plan-a.yaml plan-b.yaml"})
public final class ExplainCommand implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Parameters(arity = "0..2", paramLabel = "PLAN.yaml|RUN_DIR|AUDIT.json", description = "What to explain (two with --diff).")
    List<Path> targets = new ArrayList<>();

    @Option(names = "--what-if", paramLabel = "KEY=VALUE", description = "Re-run with a changed fact (repeatable).")
    List<String> whatIf = new ArrayList<>();

    @Option(names = "--full", description = "The whole decision trace: facts, every rule firing with rationale and evidence.")
    boolean full;

    @Option(names = "--diff", description = "Compare the two audits given.")
    boolean diff;

    @Option(names = "--rules", paramLabel = "DIR", description = "Rule base for --what-if (default: the installation's rules/).")
    Path rulesDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = commandSpec.commandLine().getOut();
        if (diff) {
            if (targets.size() != 2) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(), "--diff needs two plans, audits or run directories; got " + targets.size());
            }
            Audit a = AuditIO.read(PlanFiles.locate(targets.get(0)).audit());
            Audit b = AuditIO.read(PlanFiles.locate(targets.get(1)).audit());
            AuditDiff.Result r = AuditDiff.diff(a, b);
            if (output.json()) {
                out.println(Json.json().writeValueAsString(r));
            } else {
                AuditDiff.format(r, targets.get(0).toString(), targets.get(1).toString()).forEach(out::println);
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (targets.size() != 1) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "give one plan.yaml, audit JSON or run directory (two only with --diff)");
        }
        PlanFiles.Located loc = PlanFiles.locate(targets.get(0));
        if (loc.plan() != null && loc.plan().toFile().isFile()) {
            PlanIO.checkAudit(loc.plan(), loc.audit()); // a plan and the audit of another recommendation: exit 6
        }
        Audit audit = AuditIO.read(loc.audit());
        if (loc.plan() != null && loc.plan().toFile().isFile()) {
            var onDisk = PlanIO.read(loc.plan());
            List<String> edits = new java.util.ArrayList<>(PlanDiff.diff(audit.plan(), onDisk));
            // a run's plan.yaml names its dataset by absolute path (the executor resolved it against the plan's folder): not an edit
            if (audit.plan().dataset() != null && onDisk.dataset() != null && Path.of(onDisk.dataset()).isAbsolute()
                    && !Path.of(audit.plan().dataset()).isAbsolute() && Path.of(onDisk.dataset()).normalize().endsWith(Path.of(audit.plan().dataset()).normalize())) {
                edits.removeIf(e -> e.startsWith("dataset: "));
            }
            if (!edits.isEmpty() && !output.json()) {
                out.println("note: " + loc.plan() + " was edited after the recommendation: " + String.join("; ", edits));
            }
        }
        if (whatIf.isEmpty()) {
            if (output.json()) {
                out.println(AuditIO.toJson(audit).stripTrailing());
            } else {
                (full ? AuditText.explain(audit) : Explanation.of(audit).lines()).forEach(out::println);
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (loc.profiles().isEmpty()) {
            throw new PlanException("--what-if needs the saved profile beside " + targets.get(0) + " (" + (loc.plan() == null ? "profile.json"
                    : PlanFiles.profileOf(loc.plan()).getFileName()) + "); re-run 'advisor recommend' to write it");
        }
        List<DatasetProfile> profiles = new ArrayList<>();
        for (Path p : loc.profiles()) {
            for (DatasetProfile prof : PlanFiles.readProfiles(p)) {
                for (String w : whatIf) {
                    prof = ProfileEdits.apply(prof, w);
                }
                profiles.add(prof);
            }
        }
        Path rules = rulesDir != null ? rulesDir : Home.rules();
        RuleBase base = RuleBase.load(rules, Home.cache());
        Map<String, String> options = new LinkedHashMap<>(audit.inputs().options());
        options.put("what-if", String.join(" ", whatIf));
        Map<String, String> shas = new LinkedHashMap<>();
        audit.inputs().profiles().forEach(p -> shas.put(p.model(), p.modelSha256()));
        int maxEpochs = 0;
        try {
            maxEpochs = Integer.parseInt(audit.inputs().options().getOrDefault("maxEpochs", "0"));
        } catch (NumberFormatException e) {
            throw new PlanException("audit " + loc.audit() + ": options.maxEpochs '" + audit.inputs().options().get("maxEpochs")
                    + "' is not a whole number; regenerate it with 'advisor recommend --force'", e);
        }
        Recommender.Request req = new Recommender.Request(audit.plan().dataset(), audit.plan().budgetMinutes(),
                maxEpochs, audit.plan().seed(), shas, options);
        Recommender.Recommendation rec = new Recommender(base).recommend(profiles, req);
        List<String> changes = PlanDiff.diff(audit.plan(), rec.plan());
        if (output.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("whatIf", whatIf);
            json.put("plan", rec.plan());
            json.put("changes", changes);
            json.put("audit", rec.audit());
            out.println(Json.json().valueToTree(json).toPrettyString());
        } else {
            out.println("what if " + String.join(", ", whatIf) + ":" + (profiles.isEmpty() ? "" : String.format(java.util.Locale.ROOT,
                    " %d training images per class (%,d labelled images in all)",
                    (int) profiles.get(0).size().trainPerClass(), profiles.get(0).size().images())));
            out.println("  was:  " + Recommender.signature(audit.plan()));
            out.println("  now:  " + Recommender.signature(rec.plan()));
            AuditText.plan(rec.plan()).forEach(l -> out.println("    " + l));
            if (!base.hash().equals(audit.inputs().rulesHash())) {
                out.println("  (the rules changed since the recommendation: differences may come from them too)");
            }
            out.println(changes.isEmpty() ? "  no change to the plan" : "  changes:");
            changes.forEach(c -> out.println("    " + c));
            out.println("  because:");
            List<String> because = Explanation.of(rec.audit()).reasons();
            for (int i = 0; i < because.size(); i++) {
                out.println("    " + (i + 1) + ". " + because.get(i));
            }
            if (output.verbose() || full) {
                AuditText.explain(rec.audit()).forEach(l -> out.println("  " + l));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}

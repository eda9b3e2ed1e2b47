package io.transferadvisor.cli;

import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.ProfileFiles;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.rules.RuleCheck;
import io.transferadvisor.rules.RulesException;
import io.transferadvisor.rules.SyntheticProfiles;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `advisor rules check [DIR]`: compile the rule base and check it over a grid of profiles. */
@Command(name = "rules",
        mixinStandardHelpOptions = true,
        description = "Work with the rule base (rules/).",
        subcommands = {RulesCommand.Check.class})
public final class RulesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; try 'advisor rules check'");
    }

    @Command(name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Compile the rules and run them over a grid of profiles (sizes x similarities x imbalance x unlabelled x "
                    + "label overlap x curve shapes, plus geometry, data-hungry, steep-shift, single-layer and 3-model variants).",
                "Fails (exit 5) when a profile gets no strategy or several (gap / conflict), lacks or has an extra cutoff, "
                    + "a hyperparameter is missing or doubled, a backbone rate is not below the head rate, a strategy not taken "
                    + "is not rejected by any rule, a strategy is never chosen, or a rule never fires."},
            footer = {"", "Examples:", "  advisor rules check", "  advisor rules check my-rules/ --model fmnist-cnn"})
    static final class Check implements Callable<Integer> {
        @CommandLine.Mixin
        OutputOptions output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Rule folder (default: the installation's rules/).")
        Path dir;

        @Option(names = "--model", paramLabel = "NAME", defaultValue = "fmnist-cnn",
                description = "Model profile (profiles/NAME.json) whose candidate cuts and parameter count shape the grid (default: ${DEFAULT-VALUE}).")
        String model;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path rules = dir != null ? dir : Home.rules();
            RuleBase base = RuleBase.load(rules);
            List<String> layers = SyntheticProfiles.GENERIC_LAYERS;
            long params = 400_000;
            Path mp = Home.profiles().resolve(model + ".json");
            String shape = "generic layers (no " + mp + ")";
            if (Files.isRegularFile(mp)) {
                ModelProfile m = ProfileFiles.read(mp);
                layers = m.candidateCuts();
                params = m.parameters();
                shape = model + ": cuts " + String.join(", ", layers) + "; " + params + " parameters";
            }
            RuleCheck.Report r = RuleCheck.run(base, layers, params);
            if (output.json()) {
                out.println(Json.json().writeValueAsString(r));
            } else if (!output.quiet() || !r.ok()) {
                out.println("rules " + base.dir() + " (" + base.files().size() + " files, sha256 " + base.hash().substring(0, 12) + ")");
                out.println("grid shaped by " + shape);
                RuleCheck.format(r).forEach(out::println);
            }
            out.flush();
            if (!r.ok()) {
                throw new RulesException("rules check failed: " + r.failures().size() + " problem(s), " + r.neverFired().size()
                        + " rule(s) never fired (listed above); fix the rules in " + base.dir());
            }
            return ExitCodes.OK;
        }
    }
}

package io.transferadvisor.cli;

import io.transferadvisor.AdvisorException;
import io.transferadvisor.UsageException;
import io.transferadvisor.dataset.DatasetException;
import io.transferadvisor.execute.TrainingException;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.rules.RulesException;
import io.transferadvisor.util.OutputException;
import picocli.CommandLine;

/** The documented exit codes; the only place that maps exceptions to them. */
public final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int BAD_DATASET = 3;
    public static final int BAD_MODEL = 4;
    public static final int BAD_RULES = 5;
    public static final int BAD_PLAN = 6;
    public static final int TRAINING_FAILED = 7;
    public static final int OUTPUT = 8;

    /** Shown in --help of every command and in the README. */
    public static final String[] HELP_LIST = {
        "0:Success.",
        "1:Internal error (a bug: rerun with --verbose and report the stack trace).",
        "2:Usage error: unknown command or option, missing or bad argument.",
        "3:Bad dataset: dataset.yaml invalid, or data missing, unreadable or unusable.",
        "4:Bad model: unknown model, weights missing or corrupt, unknown layer.",
        "5:Bad rules: the rule base does not compile, fails its checks, leaves the rule sandbox or exceeds the time limit.",
        "6:Bad plan, profile or audit file.",
        "7:Training failed (diverged, or no epoch fitted in the budget).",
        "8:Output error: cannot write, or would overwrite without --force.",
    };

    @Override
    public int getExitCode(Throwable t) {
        return of(t);
    }

    public static int of(Throwable t) {
        if (t instanceof DatasetException) {
            return BAD_DATASET;
        }
        if (t instanceof ModelException) {
            return BAD_MODEL;
        }
        if (t instanceof RulesException) {
            return BAD_RULES;
        }
        if (t instanceof PlanException) {
            return BAD_PLAN;
        }
        if (t instanceof TrainingException) {
            return TRAINING_FAILED;
        }
        if (t instanceof OutputException) {
            return OUTPUT;
        }
        if (t instanceof CommandLine.ParameterException || t instanceof UsageException) {
            return USAGE;
        }
        if (t instanceof AdvisorException) {
            return INTERNAL;
        }
        return INTERNAL;
    }
}

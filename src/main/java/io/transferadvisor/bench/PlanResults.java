package io.transferadvisor.bench;

import io.transferadvisor.plan.Strategy;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Results of the plan benchmark: one task, every strategy tried on it, and the oracle's verdict. Pure data and arithmetic. */
public final class PlanResults {
    private PlanResults() {}

    /**
     * One executed plan.
     *
     * @param strategy     the strategy
     * @param cutoff       cutoff layer, or null
     * @param growBlocks   new blocks (TRUNCATE_GROW)
     * @param testAccuracy test accuracy in [0, 1]
     * @param epochs       epochs of the final training phase
     * @param seconds      wall time of the whole execution (load, features, training, evaluation, save)
     * @param recommended  this is the plan the rules recommended
     */
    public record Trial(Strategy strategy, String cutoff, int growBlocks, double testAccuracy, int epochs, double seconds,
                        boolean recommended) {
        public Trial {
            if (strategy == null) {
                throw new IllegalArgumentException("trial.strategy missing");
            }
            if (!(testAccuracy >= 0 && testAccuracy <= 1)) {
                throw new IllegalArgumentException("trial.testAccuracy " + testAccuracy + " out of range; allowed 0..1");
            }
            if (!(seconds >= 0)) {
                throw new IllegalArgumentException("trial.seconds " + seconds + " must be >= 0");
            }
        }

        /** e.g. "FINETUNE_ABOVE b4_relu", "TRUNCATE_GROW b2_pool +1", "FINETUNE_ALL". */
        public String label() {
            return strategy + (cutoff == null ? "" : " " + cutoff) + (growBlocks > 0 ? " +" + growBlocks : "");
        }
    }

    /**
     * One task.
     *
     * @param task         task name
     * @param facts        size and similarity facts, for people (e.g. "36/class x5, sim 0.89, SMALL/HIGH")
     * @param cell         the matrix rule that proposed the strategy, and the rule that decided if different
     * @param testImages   test images every trial was scored on
     * @param trials       every plan executed; exactly one has recommended = true
     */
    public record TaskResult(String task, String facts, String cell, int testImages, List<Trial> trials) {
        public TaskResult {
            trials = List.copyOf(trials);
            long rec = trials.stream().filter(Trial::recommended).count();
            if (rec != 1) {
                throw new IllegalArgumentException("task " + task + " has " + rec + " recommended trials; exactly 1 expected");
            }
        }

        public Trial recommended() {
            return trials.stream().filter(Trial::recommended).findFirst().orElseThrow();
        }

        /** The best trial by test accuracy; ties go to the faster one, then the earlier one. */
        public Trial oracle() {
            Trial best = null;
            for (Trial t : trials) {
                if (best == null || t.testAccuracy() > best.testAccuracy()
                        || (t.testAccuracy() == best.testAccuracy() && t.seconds() < best.seconds())) {
                    best = t;
                }
            }
            return best;
        }

        /** Oracle minus recommended test accuracy, in percentage points (>= 0). */
        public double regretPoints() {
            return 100 * (oracle().testAccuracy() - recommended().testAccuracy());
        }

        /** Trials ordered best first (by accuracy, then time). */
        public List<Trial> ranked() {
            return trials.stream().sorted(Comparator.comparingDouble(Trial::testAccuracy).reversed()
                    .thenComparingDouble(Trial::seconds)).toList();
        }

        /** Rank of the recommended trial, 1 = best. */
        public int recommendedRank() {
            return ranked().indexOf(recommended()) + 1;
        }
    }

    /** The summary table (one row per task) followed by one table per task with every trial, best first. */
    public static String markdown(List<TaskResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("| task | size / similarity | matrix cell | recommended | rec. acc | oracle (best) | oracle acc | regret (pts) | rec. rank |\n");
        md.append("|---|---|---|---|---:|---|---:|---:|---:|\n");
        double total = 0;
        for (TaskResult r : results) {
            Trial rec = r.recommended();
            Trial o = r.oracle();
            total += r.regretPoints();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.4f | %s | %.4f | %.1f | %d/%d |%n", r.task(), r.facts(), r.cell(),
                    rec.label(), rec.testAccuracy(), o.label(), o.testAccuracy(), r.regretPoints(), r.recommendedRank(), r.trials().size()));
        }
        if (!results.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%nMean regret over %d tasks: %.1f points.%n", results.size(), total / results.size()));
        }
        for (TaskResult r : results) {
            md.append("\n### ").append(r.task()).append(" (").append(r.testImages()).append(" test images)\n\n");
            md.append("| strategy | test acc | vs rec. (pts) | epochs | wall s |\n|---|---:|---:|---:|---:|\n");
            double rec = r.recommended().testAccuracy();
            for (Trial t : r.ranked()) {
                md.append(String.format(Locale.ROOT, "| %s%s | %.4f | %+.1f | %d | %.1f |%n", t.label(), t.recommended() ? " **(recommended)**" : "",
                        t.testAccuracy(), 100 * (t.testAccuracy() - rec), t.epochs(), t.seconds()));
            }
        }
        return md.toString();
    }
}

package io.transferadvisor.execute;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import java.time.Instant;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * One family of strategies and how a plan of one of them is carried out. {@link Executor} picks
 * the family with {@link #of} and keeps only the orchestration (run folder, budget, resume).
 * Every {@link Strategy} belongs to exactly one family (StrategyFamilyTest).
 */
sealed interface StrategyFamily permits StrategyFamily.SingleModel, EnsembleTraining {

    /** The strategies this family carries out. */
    Set<Strategy> strategies();

    /** Runs the plan into {@code folder} and returns its metrics. */
    RunMetrics run(Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress, Instant deadline);

    /** The family that carries out {@code s}. */
    static StrategyFamily of(Strategy s) {
        for (StrategyFamily f : all()) {
            if (f.strategies().contains(s)) {
                return f;
            }
        }
        throw new IllegalStateException("no strategy family carries out " + s);
    }

    /** The single-model family of a member plan; ENSEMBLE members must be single-model plans. */
    static SingleModel singleModel(Strategy s) {
        if (of(s) instanceof SingleModel m) {
            return m;
        }
        throw new IllegalStateException(s + " is not a single-model strategy");
    }

    /** Every family, in a fixed order. */
    static java.util.List<StrategyFamily> all() {
        return java.util.List.of(FrozenFeatureTraining.INSTANCE, FineTuneTraining.INSTANCE, AutoencoderTraining.INSTANCE,
                EnsembleTraining.INSTANCE);
    }

    /** A family that trains one network from one source model; loading, evaluation and saving are {@link SingleRun}'s. */
    sealed interface SingleModel extends StrategyFamily permits FrozenFeatureTraining, FineTuneTraining, AutoencoderTraining {

        /** Builds and trains the network for {@code c.plan} from the loaded source network. */
        ComputationGraph trainedNetwork(RunContext c, ComputationGraph source);

        @Override
        default RunMetrics run(Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress, Instant deadline) {
            return SingleRun.run(this, plan, in, folder, options, progress, deadline).metrics();
        }
    }
}

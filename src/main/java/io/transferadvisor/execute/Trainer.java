package io.transferadvisor.execute;

import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.LrSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The epoch loop shared by every strategy: seeded shuffling and augmentation, early stopping on
 * the validation split (keeping the best epoch's parameters), a checkpoint every epoch, resume,
 * the wall-clock budget, and divergence detection.
 */
public final class Trainer {
    private Trainer() {}

    /** How labels are presented to the output layer. */
    public enum Labels {
        /** one-hot (softmax + cross-entropy) */
        ONE_HOT,
        /** +1 for the class, -1 for the others (DL4J's LossHinge / LossSquaredHinge convention: loss = max(0, 1 - y * yhat)) */
        PLUS_MINUS_ONE,
        /** the input itself (autoencoder) */
        RECONSTRUCT
    }

    /**
     * @param phase           phase name (checkpoint file prefix)
     * @param classes         number of classes (ignored for RECONSTRUCT)
     * @param labels          label encoding
     * @param batchSize       minibatch size
     * @param maxEpochs       epoch cap
     * @param patience        epochs without improvement before stopping
     * @param seed            seed of shuffling and augmentation
     * @param augmentation    applied to image batches (null or NONE = off)
     * @param exampleWeights  per-class weight applied as a per-example label mask (null = none)
     * @param deadline        stop cleanly when this passes (keeps the best epoch)
     * @param stopAfterEpochs test hook: simulate a kill after this many epochs in this process (0 = off)
     * @param lrSchedule      multiplies every trainable layer's learning rate epoch by epoch (null = constant)
     */
    public record Config(String phase, int classes, Labels labels, int batchSize, int maxEpochs, int patience, long seed,
                         Augmentation augmentation, double[] exampleWeights, Instant deadline, int stopAfterEpochs,
                         double checkpointSeconds, LrSchedule lrSchedule) {}

    /**
     * Puts the schedule into the network's own configuration: each trainable layer's Adam rate r (its
     * weights' updater and, where the layer has one, its biases') becomes a fresh DL4J
     * {@link MapSchedule} over epochs, r times {@link LrSchedule#factor} for each epoch until the
     * multiplier stops changing. The rates then travel with the network's checkpoints and plain DL4J
     * reads them; the loop sets the configuration's epoch counter, which {@code fit(DataSet)} leaves
     * alone, before each epoch. The updaters are replaced, not changed in place: layer configurations
     * clone shallowly, so another network built from the same layers (the full model a cached top
     * network is copied into) may hold the same objects. Called on a fresh start only: a resumed
     * network already carries its schedule.
     */
    static void applySchedule(ComputationGraph net, LrSchedule schedule, int maxEpochs) {
        int keys = Math.min(maxEpochs, schedule.epochs() + 1); // MapSchedule keeps its last value after the last key
        for (String v : net.getConfiguration().getVertices().keySet()) {
            var vertex = net.getVertex(v);
            if (!vertex.hasLayer() || Networks.isFrozenRuntime(net, v)
                    || !(vertex.getLayer().conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl)) {
                continue;
            }
            bl.setIUpdater(scheduled(bl.getIUpdater(), schedule, keys, v));
            bl.setBiasUpdater(scheduled(bl.getBiasUpdater(), schedule, keys, v));
        }
        var existing = net.getUpdater(false);
        if (existing != null) {
            // its gradient updaters were built from the old configurations: build them again from the new ones,
            // which at a fresh start loses nothing (Adam's moments are still zero)
            INDArray state = existing.getStateViewArray();
            if (state != null && state.length() > 0 && state.amaxNumber().doubleValue() != 0) {
                throw new IllegalStateException("the network already holds updater state at the start of training");
            }
            net.setUpdater(new org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater(net));
        }
    }

    /** A copy of a layer's updater whose rate follows the schedule (null, or an updater without a rate: as it is). */
    private static org.nd4j.linalg.learning.config.IUpdater scheduled(org.nd4j.linalg.learning.config.IUpdater u, LrSchedule schedule,
                                                                     int keys, String layer) {
        if (u == null || !u.hasLearningRate()) {
            return u;
        }
        if (u instanceof org.nd4j.linalg.learning.config.Adam a && a.getLearningRateSchedule() != null) {
            throw new IllegalStateException("layer " + layer + " already has a learning-rate schedule at the start of training");
        }
        double rate = u.getLearningRate(0, 0);
        java.util.Map<Integer, Double> values = new java.util.HashMap<>();
        for (int e = 0; e < keys; e++) {
            values.put(e, rate * schedule.factor(e));
        }
        org.nd4j.linalg.learning.config.IUpdater copy = u.clone();
        copy.setLrAndSchedule(Double.NaN, new MapSchedule(ScheduleType.EPOCH, values));
        return copy;
    }

    /** A copy of the network holding other parameters (the best epoch's, for its checkpoint). */
    private static ComputationGraph withParams(ComputationGraph net, INDArray params) {
        ComputationGraph copy = net.clone();
        copy.setParams(params.dup());
        return copy;
    }

    /** The trained network (best epoch's parameters) and the final state. */
    public record Outcome(ComputationGraph net, TrainerState state) {}

    public static Outcome train(ComputationGraph net, TrainData train, TrainData val, Config cfg,
                                Checkpoints ckpt, Progress progress) {
        Checkpoints.Restored restored = ckpt == null ? null : ckpt.restore(cfg.phase());
        TrainerState state = restored == null ? null : restored.state();
        ComputationGraph best = null;
        Checkpoints.FileRef bestRef = null;
        if (state != null && state.finished()) {
            progress.log(cfg.phase() + ": already finished in a previous run (" + state.epochsDone() + " epochs, best epoch "
                    + state.bestEpoch() + "); reusing its checkpoint");
            return new Outcome(restored.best(), state);
        }
        if (state != null) {
            net = restored.last();
            best = restored.best();
            bestRef = restored.bestRef();
            progress.log(cfg.phase() + ": resuming after epoch " + state.epochsDone() + " of " + cfg.maxEpochs()
                    + " (best epoch " + state.bestEpoch() + ")");
        } else {
            state = new TrainerState(cfg.phase(), 0, 0, 0.0, 0.0, List.of(), false, null, 0.0);
            if (cfg.lrSchedule() != null) {
                applySchedule(net, cfg.lrSchedule(), cfg.maxEpochs());
            }
        }
        INDArray bestParams = best != null ? best.params().dup() : null;
        List<TrainerState.Epoch> history = new ArrayList<>(state.history());
        int bestEpoch = state.bestEpoch();
        double bestScore = state.bestScore();
        double bestLoss = state.bestLoss();
        double seconds = state.seconds();
        int epochsThisProcess = 0;
        String stopReason = null;
        Augmenter augmenter = cfg.augmentation() != null && cfg.augmentation().enabled() && train.rowShape().length == 3
                ? new Augmenter(cfg.augmentation()) : null;
        int epoch = state.epochsDone();
        double lastEpochSeconds = history.isEmpty() ? 0 : history.get(history.size() - 1).seconds();
        long lastCommit = System.nanoTime();
        boolean bestUnsaved = false; // a better epoch than the committed best, kept in memory until the next commit
        TrainData evalData = val.size() > 0 ? val : train;
        // the network's shape does not change between epochs: its activation-bounded evaluation batch is found once
        int evalBatch = io.transferadvisor.features.FeatureCache.memoryBoundBatch(net, evalData.rowShape(), Math.max(cfg.batchSize(), 256));

        while (true) {
            if (epoch >= cfg.maxEpochs()) {
                stopReason = "max epochs";
                break;
            }
            if (bestEpoch > 0 && epoch - bestEpoch >= cfg.patience()) {
                stopReason = "early stop (no improvement for " + cfg.patience() + " epochs)";
                break;
            }
            if (epoch > 0 && cfg.deadline() != null && Instant.now().plusMillis((long) (lastEpochSeconds * 1000)).isAfter(cfg.deadline())) {
                stopReason = "budget (the next epoch would not fit)";
                break;
            }
            epoch++;
            if (cfg.lrSchedule() != null) {
                net.getConfiguration().setEpochCount(epoch - 1); // the MapSchedule's key
            }
            long t0 = System.nanoTime();
            EpochResult r = runEpoch(net, train, cfg, epoch, augmenter, progress);
            if (r.aborted) {
                if (bestEpoch == 0) {
                    throw new BudgetExceededException(cfg.phase() + ": no epoch finished within the budget; raise plan.budgetMinutes"
                            + " or pick a cheaper strategy (e.g. LINEAR_FROZEN)");
                }
                epoch--;
                stopReason = "budget";
                break;
            }
            Eval ev = evaluate(net, evalData, cfg, evalBatch);
            double secs = (System.nanoTime() - t0) / 1e9;
            lastEpochSeconds = secs;
            seconds += secs;
            double score = cfg.labels() == Labels.RECONSTRUCT ? -ev.loss : ev.accuracy;
            // better accuracy, or the same accuracy at a lower validation loss (small validation sets tie often)
            boolean improved = bestEpoch == 0 || score > bestScore + 1e-9
                    || (Math.abs(score - bestScore) <= 1e-9 && ev.loss < bestLoss - 1e-6);
            if (improved) {
                bestScore = score;
                bestLoss = ev.loss;
                bestEpoch = epoch;
                bestParams = net.params().dup();
                bestUnsaved = true;
            }
            history.add(new TrainerState.Epoch(epoch, r.meanLoss, ev.loss,
                    cfg.labels() == Labels.RECONSTRUCT ? -1 : ev.accuracy, secs, train.size() / Math.max(1e-9, r.seconds)));
            progress.log(String.format(java.util.Locale.ROOT, "%s epoch %d/%d  loss %.4f  val loss %.4f%s  %.0f img/s  %.1f s%s",
                    cfg.phase(), epoch, cfg.maxEpochs(), r.meanLoss, ev.loss,
                    cfg.labels() == Labels.RECONSTRUCT ? "" : String.format(java.util.Locale.ROOT, "  val acc %.4f", ev.accuracy),
                    train.size() / Math.max(1e-9, r.seconds), secs, improved ? "  *best" : ""));
            state = new TrainerState(cfg.phase(), epoch, bestEpoch, bestScore, bestLoss, history, false, null, seconds);
            if (ckpt != null && (System.nanoTime() - lastCommit) / 1e9 >= cfg.checkpointSeconds()) {
                if (bestUnsaved) {
                    bestRef = ckpt.saveBest(cfg.phase(), bestEpoch, bestEpoch == epoch ? net : withParams(net, bestParams));
                    bestUnsaved = false;
                }
                // new files first, then the state naming them (the commit point), then the superseded files go
                ckpt.commit(state, ckpt.saveLast(cfg.phase(), epoch, net), bestRef);
                lastCommit = System.nanoTime();
            }
            epochsThisProcess++;
            if (cfg.stopAfterEpochs() > 0 && epochsThisProcess >= cfg.stopAfterEpochs()) {
                throw new ExecuteOptions.SimulatedKill(cfg.phase() + ": simulated kill after epoch " + epoch);
            }
        }
        if (bestParams != null) {
            net.setParams(bestParams);
        }
        state = new TrainerState(cfg.phase(), epoch, bestEpoch, bestScore, bestLoss, history, true, stopReason, seconds);
        if (ckpt != null) {
            // the network as returned (best parameters, final configuration): a resumed run continues from exactly this
            ckpt.commit(state, null, ckpt.saveFinal(cfg.phase(), net));
        }
        progress.log(cfg.phase() + ": stopped after " + epoch + " epochs (" + stopReason + "); keeping epoch " + bestEpoch);
        return new Outcome(net, state);
    }

    private record EpochResult(double meanLoss, double seconds, boolean aborted) {}

    private static EpochResult runEpoch(ComputationGraph net, TrainData train, Config cfg, int epoch, Augmenter aug, Progress progress) {
        int n = train.size();
        int[] idx = io.transferadvisor.util.Shuffle.permutation(n, new Random(cfg.seed() * 1_000_003L + epoch));
        // ND4J's own generator (dropout masks, as in zoo SqueezeNet) restarts from the epoch's seed too, so a run
        // resumed at an epoch boundary draws what the uninterrupted run drew (the generator is not in the checkpoint)
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(cfg.seed() * 1_000_033L + epoch);
        progress.startEpoch(cfg.phase(), epoch, cfg.maxEpochs(), n);
        double lossSum = 0;
        long seen = 0;
        long t0 = System.nanoTime();
        int batchNo = 0;
        for (int from = 0; from < n; from += cfg.batchSize()) {
            if (cfg.deadline() != null && Instant.now().isAfter(cfg.deadline())) {
                progress.endBar();
                return new EpochResult(seen == 0 ? Double.NaN : lossSum / seen, (System.nanoTime() - t0) / 1e9, true);
            }
            int to = Math.min(n, from + cfg.batchSize());
            int count = to - from;
            float[] rows = train.rows(idx, from, to);
            if (aug != null) {
                long[] s = train.rowShape();
                aug.apply(rows, count, (int) s[0], (int) s[1], (int) s[2], cfg.seed() * 7_919L + epoch * 104_729L + batchNo);
            }
            INDArray x = train.batch(rows, count);
            DataSet ds = dataSet(x, train.labels(), idx, from, to, cfg);
            // the data loss, like the validation loss: net.score() also holds the L2 / weight-decay term, of the
            // parameters before the step (the score is computed before the update), so that is the term to take away;
            // taking the one after the step showed a well-fitted batch a negative loss (-0.0001)
            double regularization = net.calcRegularizationScore(true);
            net.fit(ds);
            double loss = net.score() - regularization;
            if (!Double.isFinite(loss)) {
                progress.endBar();
                throw new TrainingException(cfg.phase() + ": training diverged (loss " + loss + ") at epoch " + epoch + ", batch "
                        + (batchNo + 1) + "; lower the learning rate (--lr / --backbone-lr) or check the data");
            }
            lossSum += loss * count;
            seen += count;
            batchNo++;
            progress.step(count, loss);
        }
        progress.endBar();
        return new EpochResult(lossSum / Math.max(1, seen), (System.nanoTime() - t0) / 1e9, false);
    }

    static DataSet dataSet(INDArray x, int[] labels, int[] idx, int from, int to, Config cfg) {
        if (cfg.labels() == Labels.RECONSTRUCT) {
            return new DataSet(x, x);
        }
        int count = to - from;
        float[] y = new float[count * cfg.classes()];
        if (cfg.labels() == Labels.PLUS_MINUS_ONE) {
            java.util.Arrays.fill(y, -1f);
        }
        float[] mask = cfg.exampleWeights() == null ? null : new float[count];
        for (int i = 0; i < count; i++) {
            int l = labels[idx == null ? from + i : idx[from + i]];
            if (l < 0 || l >= cfg.classes()) {
                throw new IllegalStateException("label " + l + " out of range 0.." + (cfg.classes() - 1));
            }
            y[i * cfg.classes() + l] = 1f;
            if (mask != null) {
                mask[i] = (float) cfg.exampleWeights()[l];
            }
        }
        INDArray ya = Nd4j.create(y, new long[] {count, cfg.classes()}, 'c');
        DataSet ds = new DataSet(x, ya);
        if (mask != null) {
            ds.setLabelsMaskArray(Nd4j.create(mask, new long[] {count, 1}, 'c'));
        }
        return ds;
    }

    private record Eval(double loss, double accuracy) {}

    /** Mean loss (no regularisation, no class weights) and accuracy of the network on the data, inference mode, one forward pass. */
    private static Eval evaluate(ComputationGraph net, TrainData data, Config cfg, int bs) {
        int n = data.size();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            INDArray x = data.slice(from, to);
            INDArray out = net.output(false, x)[0];
            if (cfg.labels() == Labels.RECONSTRUCT) {
                INDArray d = out.sub(x);
                lossSum += d.mul(d).sumNumber().doubleValue() / data.rowLength();
                continue;
            }
            float[] o = out.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
            int k = cfg.classes();
            for (int i = 0; i < to - from; i++) {
                int l = data.labels()[from + i];
                int arg = 0;
                for (int c = 1; c < k; c++) {
                    if (o[i * k + c] > o[i * k + arg]) {
                        arg = c;
                    }
                }
                if (arg == l) {
                    correct++;
                }
                if (cfg.labels() == Labels.ONE_HOT) {
                    lossSum += -Math.log(Math.max(1e-12, o[i * k + l]));
                } else {
                    for (int c = 0; c < k; c++) {
                        double y = c == l ? 1 : -1;
                        lossSum += Math.max(0, 1 - y * o[i * k + c]);
                    }
                }
            }
        }
        return new Eval(lossSum / Math.max(1, n), n == 0 ? 0 : (double) correct / n);
    }


    /** Seconds until the deadline, for messages. */
    static double remaining(Instant deadline) {
        return deadline == null ? Double.POSITIVE_INFINITY : Duration.between(Instant.now(), deadline).toMillis() / 1000.0;
    }
}

package io.transferadvisor.execute;

import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Per-phase checkpoints in RUN_DIR/checkpoints: the last epoch's network with its updater state,
 * the best epoch's network, and the trainer state (JSON, written last so it never points at a
 * model file that is not complete). Every file is written atomically.
 */
public final class Checkpoints {
    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    private Path last(String phase) {
        return dir.resolve(phase + ".last.zip");
    }

    private Path best(String phase) {
        return dir.resolve(phase + ".best.zip");
    }

    private Path state(String phase) {
        return dir.resolve(phase + ".state.json");
    }

    public void saveLast(String phase, ComputationGraph net) {
        AtomicFiles.writeVia(last(phase), p -> ModelSerializer.writeModel(net, p.toFile(), true));
    }

    public void saveBest(String phase, ComputationGraph net) {
        AtomicFiles.writeVia(best(phase), p -> ModelSerializer.writeModel(net, p.toFile(), false));
    }

    public void saveState(TrainerState s) {
        try {
            AtomicFiles.writeString(state(s.phase()), Json.json().writeValueAsString(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The saved state of a phase, or null when the phase never finished an epoch. */
    public TrainerState readState(String phase) {
        Path p = state(phase);
        if (!Files.exists(p)) {
            return null;
        }
        try {
            return Json.json().readValue(p.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new TrainingException("checkpoint state " + p + " is unreadable: " + e.getMessage()
                    + "; delete the run directory and start again", e);
        }
    }

    public ComputationGraph loadLast(String phase) {
        return load(last(phase), true);
    }

    public ComputationGraph loadBest(String phase) {
        return load(best(phase), false);
    }

    private static ComputationGraph load(Path p, boolean updater) {
        try {
            return ModelSerializer.restoreComputationGraph(p.toFile(), updater);
        } catch (IOException | RuntimeException e) {
            throw new TrainingException("checkpoint " + p + " is unreadable: " + e.getMessage()
                    + "; delete the run directory and start again", e);
        }
    }
}

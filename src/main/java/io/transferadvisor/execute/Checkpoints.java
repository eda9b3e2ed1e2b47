package io.transferadvisor.execute;

import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Json;
import io.transferadvisor.util.WriteHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Per-phase checkpoints in RUN_DIR/checkpoints, committed as one unit.
 *
 * <p>Every epoch writes the network under a new name ({@code PHASE.eN.last.zip}, with its updater
 * state; {@code PHASE.eN.best.zip} when the epoch improved), each atomically. Then
 * {@code PHASE.state.json} is renamed into place: it names the last and best files and their
 * SHA-256, and that rename is the commit point. Only then are the files it no longer names deleted.
 * A crash at any point therefore leaves the previous commit intact (plus orphans), and
 * {@link #restore} loads exactly the files the state names, after checking their hashes, and
 * deletes the orphans.
 */
public final class Checkpoints {
    /** Version of the state file layout (1 was a bare TrainerState with fixed file names). */
    static final int SCHEMA_VERSION = 2;

    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A checkpoint file named by a committed state: its name in the folder and its SHA-256. */
    public record FileRef(String file, String sha256) {}

    /** Contents of PHASE.state.json: the trainer state and the files that belong to it. */
    public record Commit(int schemaVersion, TrainerState trainer, FileRef last, FileRef best) {}

    /** A verified commit with its networks loaded (last is null for a finished phase). */
    public record Restored(TrainerState state, FileRef lastRef, FileRef bestRef, ComputationGraph last, ComputationGraph best) {}

    private Path state(String phase) {
        return dir.resolve(phase + ".state.json");
    }

    /** Writes the network with its updater as this epoch's candidate "last" file (not yet committed). */
    public FileRef saveLast(String phase, int epoch, ComputationGraph net) {
        return save(phase + ".e" + epoch + ".last.zip", net, true);
    }

    /** Writes the network (no updater) as this epoch's candidate "best" file (not yet committed). */
    public FileRef saveBest(String phase, int epoch, ComputationGraph net) {
        return save(phase + ".e" + epoch + ".best.zip", net, false);
    }

    /** Writes the phase's result (no updater), named by the finished state. */
    public FileRef saveFinal(String phase, ComputationGraph net) {
        return save(phase + ".final.zip", net, false);
    }

    private FileRef save(String name, ComputationGraph net, boolean updater) {
        Path p = dir.resolve(name);
        AtomicFiles.writeVia(p, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), updater));
        return new FileRef(name, Hashing.sha256(p));
    }

    /**
     * The commit point: the state file naming {@code last} and {@code best} replaces the previous
     * one atomically; then the phase's files it does not name are deleted.
     */
    public void commit(TrainerState s, FileRef last, FileRef best) {
        try {
            AtomicFiles.writeString(state(s.phase()), Json.json().writeValueAsString(new Commit(SCHEMA_VERSION, s, last, best)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WriteHooks.point("checkpoint committed " + s.phase() + " epoch " + s.epochsDone());
        removeOrphans(s.phase(), last, best);
    }

    /** The committed state of a phase, or null when the phase never finished an epoch. */
    public TrainerState readState(String phase) {
        Commit c = readCommit(phase);
        return c == null ? null : c.trainer();
    }

    private Commit readCommit(String phase) {
        Path p = state(phase);
        if (!Files.exists(p)) {
            return null;
        }
        Commit c;
        try {
            c = Json.json().readValue(p.toFile(), Commit.class);
        } catch (IOException e) {
            throw new TrainingException("checkpoint state " + p + " is unreadable (" + RunFolder.firstLine(e.getMessage())
                    + "); it may come from an older advisor; start the run again with 'advisor execute PLAN -o " + dir.getParent()
                    + " --force'", e);
        }
        if (c.schemaVersion() != SCHEMA_VERSION || c.trainer() == null || c.best() == null) {
            throw new TrainingException("checkpoint state " + p + " has schemaVersion " + c.schemaVersion() + " (this advisor writes "
                    + SCHEMA_VERSION + "); start the run again with 'advisor execute PLAN -o " + dir.getParent() + " --force'");
        }
        return c;
    }

    /**
     * Loads exactly what the committed state names, after checking each file's SHA-256, and deletes
     * the phase's orphans (files of an epoch that never committed, temporaries). Null when nothing was committed.
     */
    public Restored restore(String phase) {
        Commit c = readCommit(phase);
        if (c == null) {
            removeOrphans(phase, null, null);
            return null;
        }
        removeOrphans(phase, c.last(), c.best());
        ComputationGraph last = c.trainer().finished() || c.last() == null ? null : load(verified(c.last()), true);
        ComputationGraph best = load(verified(c.best()), false);
        return new Restored(c.trainer(), c.last(), c.best(), last, best);
    }

    private Path verified(FileRef ref) {
        Path p = dir.resolve(ref.file());
        if (!Files.isRegularFile(p)) {
            throw new TrainingException("checkpoint " + p + " named by its state file is missing; the run directory was changed by hand;"
                    + " start the run again with --force");
        }
        String actual = Hashing.sha256(p);
        if (!actual.equals(ref.sha256())) {
            throw new TrainingException("checkpoint " + p + " has SHA-256 " + actual.substring(0, 12) + "... but its state names "
                    + ref.sha256().substring(0, Math.min(12, ref.sha256().length())) + "...; it does not belong to this state;"
                    + " start the run again with --force");
        }
        return p;
    }

    /** Deletes this phase's checkpoint files other than {@code keep}, and leftover temporaries. */
    private void removeOrphans(String phase, FileRef a, FileRef b) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Set<String> keep = new HashSet<>();
        for (FileRef r : new FileRef[] {a, b}) {
            if (r != null) {
                keep.add(r.file());
            }
        }
        List<Path> doomed;
        try (Stream<Path> s = Files.list(dir)) {
            doomed = s.filter(p -> {
                String n = p.getFileName().toString();
                return (n.startsWith(phase + ".") && n.endsWith(".zip") && !keep.contains(n))
                        || AtomicFiles.isTempOf(p, phase);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints " + dir + ": " + e.getMessage(), e);
        }
        for (Path p : doomed) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete stale checkpoint " + p + ": " + e.getMessage(), e);
            }
        }
    }

    private static ComputationGraph load(Path p, boolean updater) {
        try {
            return ModelSerializer.restoreComputationGraph(p.toFile(), updater);
        } catch (IOException | RuntimeException e) {
            throw new TrainingException("checkpoint " + p + " is unreadable: " + e.getMessage()
                    + "; start the run again with --force", e);
        }
    }
}

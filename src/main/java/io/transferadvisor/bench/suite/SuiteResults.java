package io.transferadvisor.bench.suite;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferadvisor.dataset.DatasetException;
import io.transferadvisor.probe.DatasetProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The suite's results: one JSON record per line, appended and forced to disk as each is made, so a
 * killed suite resumes where it stopped. A torn last line (killed mid-write) is cut off on open.
 * Records of a task definition that changed since (another {@code taskHash}) are kept in the file
 * but never used.
 */
public final class SuiteResults {
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({@JsonSubTypes.Type(value = TaskRun.class, name = "task"), @JsonSubTypes.Type(value = Trial.class, name = "trial"),
            @JsonSubTypes.Type(value = EnsembleTrial.class, name = "ensemble"), @JsonSubTypes.Type(value = FoldTrial.class, name = "foldtrial")})
    public sealed interface Entry permits TaskRun, Trial, EnsembleTrial, FoldTrial {}

    /**
     * A task drawn at one seed and probed.
     *
     * @param probeSeconds the probe's wall time (the advising cost, with the rules)
     */
    public record TaskRun(String task, long seed, String taskHash, int trainImages, int validationImages, int testImages,
                          double probeSeconds, DatasetProfile profile) implements Entry {}

    /**
     * One strategy trained and tested on a task at one seed.
     *
     * @param key          {@link TrialKey#id()}
     * @param testCorrect  correctly classified test images
     */
    public record Trial(String task, long seed, String taskHash, String key, double testAccuracy, int testCorrect, int testImages,
                        int epochs, double seconds) implements Entry {}

    /**
     * Several models' trials on one task at one seed trained again as the members of one ENSEMBLE
     * plan, their test probabilities averaged as {@code advisor execute} does (issue 9).
     *
     * @param models           the members' models, in the suite's model order
     * @param taskHashes       each model's task hash (the records the members' keys come from)
     * @param keys             each member's {@link TrialKey#id()}
     * @param memberAccuracies each member's own test accuracy in this run (equal to its trial record when training is deterministic);
     *                         a model's ENSEMBLE key counts one member per plan it averages
     */
    public record EnsembleTrial(String task, long seed, List<String> models, List<String> taskHashes, List<String> keys, double testAccuracy,
                                int testCorrect, int testImages, List<Double> memberAccuracies, double seconds) implements Entry {
        String id() {
            return ensembleId(task, seed, taskHashes, keys);
        }
    }

    /**
     * A short trial of one model on a task at one seed (stop 38, docs/design/suite.md "A short trial of each model"): one plan
     * trained on k-1 of k class-stratified folds of the run's training images and scored on the held fold, every fold in turn.
     *
     * @param key        {@link TrialKey#id()} of the plan trained on each fold
     * @param images     training images scored out of fold (every one, once)
     * @param oofCorrect those classified correctly
     * @param logLoss    mean natural-log loss of the true class over them, probabilities floored at {@link SuiteRunner#LOSS_FLOOR}
     * @param seconds    the folds' wall time, summed
     */
    public record FoldTrial(String task, long seed, String taskHash, String key, int folds, int images, int oofCorrect, double oofAccuracy,
                            double logLoss, double seconds) implements Entry {}

    static String ensembleId(String task, long seed, List<String> taskHashes, List<String> keys) {
        return task + "|" + seed + "|" + String.join("+", taskHashes) + "|" + String.join("+", keys);
    }

    static final ObjectMapper LINE = io.transferadvisor.util.Json.json().copy().disable(SerializationFeature.INDENT_OUTPUT);

    /** How every line this class writes starts (the type property comes first). */
    static final String RECORD_START = "{\"kind\":\"";

    private final Path file;
    private final Map<String, TaskRun> tasks = new LinkedHashMap<>();
    private final Map<String, Trial> trials = new LinkedHashMap<>();
    private final Map<String, EnsembleTrial> ensembles = new LinkedHashMap<>();
    private final Map<String, FoldTrial> foldTrials = new LinkedHashMap<>();

    private SuiteResults(Path file) {
        this.file = file;
    }

    /** Opens (creating the folder if needed) and reads what an earlier run left; a torn last line is cut off. */
    public static SuiteResults open(Path file) {
        SuiteResults r = new SuiteResults(file);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (!Files.exists(file)) {
                return r;
            }
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                try {
                    r.remember(LINE.readValue(lines[i], Entry.class));
                } catch (IOException e) {
                    throw new DatasetException(file + " line " + (i + 1) + ": not a suite result record (" + e.getMessage().lines().findFirst().orElse("")
                            + "); give another --results file, or move this one away to start over");
                }
            }
            if (end < bytes.length) {
                // a record cut short by a kill: only ever cut what this class writes (a line starting like a record)
                String tail = new String(bytes, end, bytes.length - end, StandardCharsets.UTF_8);
                if (!tail.startsWith(RECORD_START)) {
                    throw new DatasetException(file + ": its last line is not a suite result record; give another --results file");
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(end);
                    ch.force(true);
                }
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void remember(Entry e) {
        if (e instanceof TaskRun t) {
            tasks.put(id(t.task(), t.seed(), t.taskHash()), t);
        } else if (e instanceof Trial t) {
            trials.put(id(t.task(), t.seed(), t.taskHash()) + "|" + t.key(), t);
        } else if (e instanceof EnsembleTrial t) {
            ensembles.put(t.id(), t);
        } else if (e instanceof FoldTrial t) {
            foldTrials.put(id(t.task(), t.seed(), t.taskHash()), t);
        }
    }

    private static String id(String task, long seed, String hash) {
        return task + "|" + seed + "|" + hash;
    }

    public synchronized void append(Entry e) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap((LINE.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        remember(e);
    }

    public Optional<TaskRun> task(String task, long seed, String hash) {
        return Optional.ofNullable(tasks.get(id(task, seed, hash)));
    }

    public Optional<Trial> trial(String task, long seed, String hash, String key) {
        return Optional.ofNullable(trials.get(id(task, seed, hash) + "|" + key));
    }

    /** The short trial of a task run (its task hash names the model), if it was made. */
    public Optional<FoldTrial> foldTrial(String task, long seed, String hash) {
        return Optional.ofNullable(foldTrials.get(id(task, seed, hash)));
    }

    /** The ensemble of these members' trials on a task at a seed, if it was trained. */
    public Optional<EnsembleTrial> ensemble(String task, long seed, List<String> taskHashes, List<String> keys) {
        return Optional.ofNullable(ensembles.get(ensembleId(task, seed, taskHashes, keys)));
    }

    /** Every trial of a task run, in the order they were made. */
    public List<Trial> trials(String task, long seed, String hash) {
        String prefix = id(task, seed, hash) + "|";
        List<Trial> out = new ArrayList<>();
        trials.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.add(v);
            }
        });
        return out;
    }

    public Path file() {
        return file;
    }
}

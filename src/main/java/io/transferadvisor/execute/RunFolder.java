package io.transferadvisor.execute;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.HtmlReport;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import io.transferadvisor.util.OutputException;
import io.transferadvisor.util.SafeReplace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run directory: what is in it and how it is written (atomically, never over an existing
 * run without --force).
 */
public final class RunFolder implements AutoCloseable {
    public static final String PLAN = io.transferadvisor.plan.PlanPaths.RUN_PLAN;
    public static final String RUN = "run.json";
    public static final String METRICS = "metrics.json";
    public static final String REPORT = "report.html";
    public static final String PROFILE = io.transferadvisor.plan.PlanPaths.RUN_PROFILE;
    public static final String AUDIT = io.transferadvisor.plan.PlanPaths.RUN_AUDIT;

    private final Path dir;
    private final RunOwnership.Lock lock;
    private final String note;

    private RunFolder(Path dir, RunOwnership.Lock lock, String note) {
        this.dir = dir;
        this.lock = lock;
        this.note = note;
    }

    public Path dir() {
        return dir;
    }

    /** What creating the folder replaced (a failed or never-started run of ours), for the log; null when nothing. */
    public String note() {
        return note;
    }

    /** Releases the run directory's lock (the OS does so too when the process dies). */
    @Override
    public void close() {
        if (lock != null) {
            lock.close();
        }
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(dir.resolve("checkpoints"));
    }

    /** runs/&lt;dataset&gt;-&lt;strategy&gt;-&lt;timestamp&gt; under the working directory. */
    public static Path defaultPath(String dataset, Strategy strategy) {
        String stamp = LocalDateTime.now(java.time.ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", java.util.Locale.ROOT));
        String safe = dataset.replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of("runs", safe + "-" + strategy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-" + stamp);
    }

    /**
     * A new run directory, locked until {@link #close}. An existing folder is used only when it is
     * empty or a run of ours ({@link RunOwnership}): a failed run, or one interrupted before it
     * started, is replaced without {@code force}; a finished or interrupted run only with it; a
     * protected folder ({@link SafeReplace}) or one without the marker never.
     */
    public static RunFolder create(Path dir, boolean force) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new OutputException("run directory " + abs + " is a file; pass another -o folder");
        }
        RunOwnership.Kind kind = RunOwnership.kind(abs);
        if (kind == RunOwnership.Kind.FOREIGN) {
            throw new OutputException("run directory " + abs + " is not empty and is not a run made by advisor (no "
                    + RunOwnership.MARKER + " file); refusing to replace it" + (force ? " even with --force" : "")
                    + "; pass -o a new or empty folder");
        }
        String note = null;
        if (kind == RunOwnership.Kind.OURS) {
            String why = SafeReplace.protectedReason(abs);
            if (why != null) {
                throw new OutputException("refusing to replace " + abs + ": " + why + "; pass -o a new folder, e.g. runs/NAME");
            }
        }
        RunOwnership.Lock lock = RunOwnership.lock(abs);
        try {
            if (kind == RunOwnership.Kind.OURS) {
                RunInfo info = readInfoOrNull(abs);
                String status = info == null ? null : info.status();
                if ("failed".equals(status)) {
                    note = "replacing failed run " + abs + " (" + info.reason() + ")";
                } else if (info == null) {
                    note = "replacing " + abs + ": an earlier run there was interrupted before it started";
                } else if (!force) {
                    if ("finished".equals(status)) {
                        throw new OutputException("run directory " + abs + " already holds a finished run; pass --force to replace it, "
                                + "or -o another folder");
                    }
                    throw new OutputException("run directory " + abs + " holds an interrupted run; continue it with 'advisor execute --resume "
                            + dir + "', or pass --force to start it over");
                }
                deleteContents(abs);
            } else {
                Files.createDirectories(abs);
                try (Stream<Path> s = Files.list(abs)) {
                    for (Path p : s.filter(p -> AtomicFiles.isTempOf(p, RunOwnership.MARKER)).toList()) {
                        Files.deleteIfExists(p); // left by a crash while an earlier run created this folder
                    }
                }
            }
            RunOwnership.writeMarker(abs);
            return new RunFolder(abs, lock, note);
        } catch (IOException e) {
            lock.close();
            throw new OutputException("cannot create run directory " + abs + ": " + e.getMessage() + "; check permissions and disk space", e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Checks that {@code dir} holds a run that can be continued (no lock taken). */
    public static void checkResumable(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs.resolve(PLAN))) {
            if (Files.isRegularFile(abs.resolve(RunOwnership.MARKER))) {
                throw new OutputException("cannot resume " + abs + ": the run was interrupted before it started (no " + PLAN
                        + "); start it again with 'advisor execute PLAN.yaml -o " + dir + "' (replaced without --force)");
            }
            throw new OutputException("cannot resume " + abs + ": no " + PLAN + " in it; give the folder of a run that was started with 'advisor execute'");
        }
        RunInfo info = readInfoOrNull(abs);
        if (info == null) {
            throw new OutputException("cannot resume " + abs + ": the run was interrupted before it started (no " + RUN
                    + "); start it again with 'advisor execute PLAN.yaml -o " + dir + "' (replaced without --force)");
        }
        if ("finished".equals(info.status())) {
            throw new OutputException("run " + abs + " already finished (run.json status finished); nothing to resume");
        }
        if ("failed".equals(info.status())) {
            throw new OutputException("run " + abs + " failed (" + info.reason() + "); resuming would fail the same way; start it again with"
                    + " 'advisor execute PLAN.yaml -o " + dir + "' (a failed run is replaced without --force)");
        }
    }

    /** An existing run directory to continue, locked until {@link #close}; stale temporaries are removed. */
    public static RunFolder resume(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        checkResumable(abs);
        RunOwnership.Lock lock = RunOwnership.lock(abs);
        try {
            checkResumable(abs); // again under the lock: another process may have finished it meanwhile
            try (Stream<Path> s = Files.list(abs)) {
                for (Path p : s.filter(AtomicFiles::isTemp).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            return new RunFolder(abs, lock, null);
        } catch (IOException e) {
            lock.close();
            throw new OutputException("cannot clean " + abs + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Records in run.json that the run failed and why (a rerun to the same folder then replaces it without --force). */
    void markFailed(Throwable cause) {
        RunInfo old = readInfoOrNull(dir);
        if (old == null) {
            return; // never started: a rerun replaces it anyway
        }
        String reason = firstLine(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        writeJson(dir.resolve(RUN), new RunInfo(old.schemaVersion(), old.datasetFile(), old.dataset(), old.classNames(), old.input(),
                old.fit(), old.head(), old.strategy(), old.models(), "failed", old.started(), java.time.Instant.now().toString(),
                old.java(), reason, old.provenance()));
    }

    RunFolder member(String name, boolean resume) {
        Path p = dir.resolve(name);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new OutputException("cannot create " + p + ": " + e.getMessage(), e);
        }
        return new RunFolder(p, null, null);
    }

    /**
     * Empties a run directory of ours, keeping the lock and the marker. run.json goes first, so a
     * crash half way leaves a folder that reads as "never started" (replaced by the next run).
     */
    private static void deleteContents(Path root) throws IOException {
        Files.deleteIfExists(root.resolve(RUN));
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                String name = p.getFileName().toString();
                if (!p.equals(root) && !(p.getParent().equals(root) && (name.equals(RunOwnership.LOCK) || name.equals(RunOwnership.MARKER)))) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * run.json: what is needed to use the trained model later (advisor predict) and to resume.
     *
     * @param schemaVersion 2 (2 added provenance)
     * @param datasetFile   absolute dataset.yaml (null when the data was given in memory)
     * @param dataset       dataset name
     * @param classNames    output order of the classes
     * @param input         input geometry of the model
     * @param fit           how images are fitted to it
     * @param head          SOFTMAX (probabilities) or SVM (scores; predict softmaxes them)
     * @param strategy      strategy
     * @param models        model names
     * @param status        "running", "finished" or "failed"
     * @param started       start time (ISO)
     * @param finished      end time (ISO) or null
     * @param java          Java version
     * @param reason        why the run failed (status "failed"), else null
     * @param provenance    data, weights, rules, plan and trained-model hashes (when finished)
     */
    public record RunInfo(int schemaVersion, String datasetFile, String dataset, List<String> classNames, InputGeometry input,
                          DatasetSpec.Fit fit, HeadType head, String strategy, List<String> models, String status,
                          String started, String finished, String java, String reason, io.transferadvisor.report.Provenance provenance) {}

    /** The ensemble file: member folders, combined by averaging probabilities. */
    public record EnsembleInfo(String combine, List<RunMetrics.Member> members) {}

    void writeStart(Plan plan, RunInputs in) {
        Plan recorded = plan;
        if (in.datasetFile() != null) {
            recorded = plan.withDataset(in.datasetFile().toAbsolutePath().normalize().toString());
        }
        writePlan(dir.resolve(PLAN), recorded);
        if (in.profile() != null) {
            writeJson(dir.resolve(PROFILE), in.profile());
        }
        if (in.audit() != null) {
            writeJson(dir.resolve(AUDIT), in.audit());
        }
        writeJson(dir.resolve(RUN), info(plan, in, "running", null));
    }

    private RunInfo info(Plan plan, RunInputs in, String status, String finished) {
        RunInfo old = readInfo(dir);
        InputGeometry g = plan.strategy() == Strategy.ENSEMBLE || plan.models().isEmpty() ? in.data().spec().input()
                : SingleRun.geometry(in.data().spec(), in.models().apply(plan.models().get(0)));
        return new RunInfo(2, in.datasetFile() == null ? null : in.datasetFile().toAbsolutePath().toString(),
                in.data().spec().name(), in.data().classNames(), g, in.data().spec().fit(), plan.head(), plan.strategy().name(),
                plan.models(), status, old != null ? old.started() : java.time.Instant.now().toString(), finished,
                System.getProperty("java.version"), null, null);
    }

    void writeFinish(Plan plan, RunInputs in, RunMetrics result) {
        var provenance = io.transferadvisor.report.Provenance.of(dir, plan,
                plan.strategy() + (plan.cutoffLayer() == null ? "" : " " + plan.cutoffLayer()), in.data(), in.audit());
        RunMetrics metrics = result.withProvenance(provenance);
        writeJson(dir.resolve(METRICS), metrics);
        RunInfo i = info(plan, in, "finished", java.time.Instant.now().toString());
        RunInfo info = new RunInfo(2, i.datasetFile(), i.dataset(), i.classNames(), i.input(), i.fit(), i.head(), i.strategy(), i.models(),
                i.status(), i.started(), i.finished(), i.java(), null, provenance);
        HtmlReport.write(dir.resolve(REPORT), info.dataset(), plan, metrics, in.profile(), in.audit(), in.data(), info.input());
        writeJson(dir.resolve(RUN), info);
    }

    void writeEnsemble(List<RunMetrics.Member> members) {
        writeJson(dir.resolve(Executor.ENSEMBLE_FILE), new EnsembleInfo("mean of member probabilities", members));
    }

    /** run.json, or null when it is missing or unreadable (a run interrupted before it started). */
    static RunInfo readInfoOrNull(Path runDir) {
        try {
            return readInfo(runDir);
        } catch (OutputException e) {
            return null;
        }
    }

    public static RunInfo readInfo(Path runDir) {
        Path p = runDir.resolve(RUN);
        if (!Files.exists(p)) {
            return null;
        }
        try {
            return Json.json().readValue(p.toFile(), RunInfo.class);
        } catch (IOException e) {
            throw new OutputException("cannot read " + p + ": " + e.getMessage() + "; is this a run directory?", e);
        }
    }

    public static EnsembleInfo readEnsemble(Path runDir) {
        Path p = runDir.resolve(Executor.ENSEMBLE_FILE);
        try {
            return Json.json().readValue(p.toFile(), EnsembleInfo.class);
        } catch (IOException e) {
            throw new OutputException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    public static Plan readPlan(Path file) {
        return io.transferadvisor.plan.PlanIO.read(file);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static void writePlan(Path file, Plan plan) {
        try {
            io.transferadvisor.plan.PlanIO.write(file, plan);
        } catch (RuntimeException e) {
            throw e;
        }
    }

    static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, Json.json().writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJsonOrNull(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.json().readTree(file.toFile());
        } catch (IOException e) {
            throw new io.transferadvisor.plan.PlanException("cannot read " + file + ": " + firstLine(e.getMessage()), e);
        }
    }
}

package io.transferadvisor.rules;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProfileIO;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.OutputException;
import io.transferadvisor.util.OwnFiles;
import io.transferadvisor.util.WriteHooks;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a recommendation's files, PLAN.yaml + PLAN.audit.json + PLAN.profile[-MODEL].json, as one
 * unit: all or none.
 *
 * <ol>
 *   <li>{@link #lock} takes an exclusive OS lock on {@code .PLAN.yaml.lock} beside the plan (held
 *       for the whole command, released by the OS if the process dies): a second writer of the
 *       same plan fails at once with exit 8. The lock file itself is left in place: deleting it
 *       would let two processes lock two different files.</li>
 *   <li>Under the lock, temporaries of ours left by a crash ({@code .PLAN.yaml.*.tmp}, ...) are removed.</li>
 *   <li>{@link #write}: every file is written to a fsynced temporary; then an old plan is deleted
 *       (the unit is withdrawn), the profiles and the audit are renamed into place, and the plan
 *       is renamed last: that rename is the commit point. The plan carries the audit's SHA-256
 *       ({@link PlanIO#checkAudit}), so a plan never pairs with another recommendation's audit.</li>
 * </ol>
 * A crash therefore leaves either the complete new unit, or no plan (audit/profile files without a
 * plan are leftovers that the next recommend replaces without --force).
 */
public final class RecommendationFiles implements AutoCloseable {
    private final Path plan;
    private final FileChannel channel;
    private final FileLock lock;

    private RecommendationFiles(Path plan, FileChannel channel, FileLock lock) {
        this.plan = plan;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a plan: .NAME.lock beside it. */
    public static Path lockFile(Path plan) {
        return plan.toAbsolutePath().resolveSibling("." + plan.getFileName() + ".lock");
    }

    /** Locks the plan's files against other writers, or OutputException (exit 8) if another advisor is writing them. */
    public static RecommendationFiles lock(Path plan) {
        Path abs = plan.toAbsolutePath().normalize();
        FileChannel ch = null;
        try {
            Files.createDirectories(abs.getParent());
            ch = FileChannel.open(lockFile(abs), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by another command in this JVM
            }
            if (l == null) {
                ch.close();
                throw new OutputException("another advisor is writing " + abs + " (lock " + lockFile(abs).getFileName()
                        + "); wait for it to finish, or -o another plan file");
            }
            RecommendationFiles files = new RecommendationFiles(abs, ch, l);
            files.removeStaleTemporaries();
            return files;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the lock failure is the one worth reporting
                }
            }
            throw new OutputException("cannot lock " + lockFile(abs) + ": " + e.getMessage() + "; check the folder is writable", e);
        }
    }

    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        }
    }

    private boolean isOurFile(Path p) {
        String n = p.getFileName().toString();
        String base = PlanFiles.base(plan);
        return n.equals(plan.getFileName().toString()) || n.equals(PlanFiles.auditOf(plan).getFileName().toString())
                || n.equals(PlanFiles.profileOf(plan).getFileName().toString())
                || (n.startsWith(base + ".profile-") && n.endsWith(".json")); // PlanFiles.profileOf(plan, model)
    }

    private void removeStaleTemporaries() throws IOException {
        try (Stream<Path> s = Files.list(plan.getParent())) {
            for (Path p : s.filter(AtomicFiles::isTemp).toList()) {
                String n = p.getFileName().toString();
                int dot = n.lastIndexOf('.', n.length() - ".tmp".length() - 1);
                if (dot > 1 && isOurFile(plan.resolveSibling(n.substring(1, dot)))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Checks that the unit may be written: an existing plan only with {@code force}, and only one the
     * tool wrote; audit / profile files beside it must be ours (without a plan they are leftovers of
     * an interrupted write and are replaced without --force).
     */
    public void checkTargets(boolean force, List<Path> profiles) {
        OwnFiles.checkReplaceable(plan, force, "a plan written by 'advisor recommend' (its first line '# transfer-advisor plan')",
                PlanIO::writtenByAdvisor);
        boolean leftovers = !Files.exists(plan);
        List<Path> others = new ArrayList<>(profiles);
        others.add(PlanFiles.auditOf(plan));
        for (Path p : others) {
            boolean audit = p.getFileName().toString().endsWith(".audit.json");
            OwnFiles.checkReplaceable(p, force || leftovers, audit ? "an audit JSON" : "a dataset profile JSON", f -> audit
                    ? OwnFiles.jsonWithFields(f, "schemaVersion", "inputs", "traces", "plan")
                    : OwnFiles.jsonWithFields(f, "schemaVersion", "datasetHash", "model", "layers"));
        }
    }

    /** Writes plan, audit and profiles as one unit (see the class comment); profiles maps file -> profile. */
    public void write(Plan p, Audit audit, Map<Path, DatasetProfile> profiles) {
        String auditJson = AuditIO.toJson(audit);
        String planText = PlanIO.toYaml(p, Hashing.sha256(auditJson));
        Map<Path, AtomicFiles.Staged> staged = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, DatasetProfile> e : profiles.entrySet()) {
                staged.put(e.getKey(), stage(e.getKey(), ProfileIO.toJson(e.getValue())));
            }
            staged.put(PlanFiles.auditOf(plan), stage(PlanFiles.auditOf(plan), auditJson));
            AtomicFiles.Staged planStaged = stage(plan, planText);
            withdrawOldUnit(profiles.keySet());
            for (AtomicFiles.Staged s : staged.values()) {
                s.commit();
            }
            planStaged.commit(); // the commit point
            staged.put(plan, planStaged);
        } catch (RuntimeException e) {
            if (!WriteHooks.isCrash(e)) {
                staged.values().forEach(AtomicFiles.Staged::discard);
            }
            throw e;
        }
    }

    private static AtomicFiles.Staged stage(Path file, String text) {
        return AtomicFiles.stage(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Deletes the old plan (so no plan pairs with a half-replaced audit), then extra profiles the new unit does not have. */
    private void withdrawOldUnit(java.util.Set<Path> keep) {
        try {
            if (Files.deleteIfExists(plan)) {
                WriteHooks.point("withdrew old " + plan.getFileName());
            }
            String prefix = PlanFiles.base(plan) + ".profile-";
            try (Stream<Path> s = Files.list(plan.getParent())) {
                for (Path x : s.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(".json")
                        && !keep.contains(f)).toList()) {
                    if (OwnFiles.jsonWithFields(x, "schemaVersion", "datasetHash", "model", "layers")) {
                        Files.deleteIfExists(x);
                    }
                }
            }
        } catch (IOException e) {
            throw new OutputException("cannot replace " + plan + ": " + e.getMessage() + "; check the folder is writable", e);
        }
    }
}

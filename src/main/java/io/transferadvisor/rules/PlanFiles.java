package io.transferadvisor.rules;

import io.transferadvisor.plan.PlanException;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProfileIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a recommendation: plan.yaml with plan.audit.json and plan.profile.json beside it
 * (same base name), or a run directory holding plan.yaml, audit.json and profile.json.
 */
public final class PlanFiles {
    private PlanFiles() {}

    /** Where a plan's (or a run's) plan, audit and profile files are. */
    public record Located(Path plan, Path audit, List<Path> profiles) {}

    // the names themselves live in plan/PlanPaths, which execute/ reads too
    public static String base(Path plan) {
        return io.transferadvisor.plan.PlanPaths.base(plan);
    }

    public static Path auditOf(Path plan) {
        return io.transferadvisor.plan.PlanPaths.auditOf(plan);
    }

    public static Path profileOf(Path plan) {
        return io.transferadvisor.plan.PlanPaths.profileOf(plan);
    }

    /** Extra profiles when several models were compared: BASE.profile-MODEL.json. */
    public static Path profileOf(Path plan, String model) {
        return io.transferadvisor.plan.PlanPaths.profileOf(plan, model);
    }

    /** Resolves `explain`'s argument: a plan file, an audit JSON, or a run directory. */
    public static Located locate(Path target) {
        if (Files.isDirectory(target)) {
            Path audit = target.resolve(io.transferadvisor.plan.PlanPaths.RUN_AUDIT);
            return new Located(target.resolve(io.transferadvisor.plan.PlanPaths.RUN_PLAN), audit,
                    existing(List.of(target.resolve(io.transferadvisor.plan.PlanPaths.RUN_PROFILE))));
        }
        if (!Files.exists(target)) {
            throw new PlanException(target + " not found; give a plan.yaml written by 'advisor recommend', its .audit.json, or a run directory");
        }
        String name = target.getFileName().toString();
        if (name.endsWith(".audit.json")) {
            Path plan = target.resolveSibling(name.substring(0, name.length() - ".audit.json".length()) + ".yaml");
            return new Located(plan, target, profilesBeside(plan));
        }
        if (name.endsWith(".json")) {
            return new Located(null, target, existing(List.of(target.resolveSibling(io.transferadvisor.plan.PlanPaths.RUN_PROFILE))));
        }
        // a run directory's own plan.yaml: its audit is the run's audit.json, not plan.audit.json
        Path dir = target.toAbsolutePath().getParent();
        if (name.equals(io.transferadvisor.plan.PlanPaths.RUN_PLAN) && !Files.exists(auditOf(target))
                && Files.isRegularFile(dir.resolve(io.transferadvisor.plan.PlanPaths.RUN_AUDIT))) {
            return locate(dir);
        }
        return new Located(target, auditOf(target), profilesBeside(target));
    }

    private static List<Path> profilesBeside(Path plan) {
        List<Path> out = new ArrayList<>(existing(List.of(profileOf(plan))));
        String prefix = base(plan) + ".profile-";
        try (var s = Files.list(plan.toAbsolutePath().getParent())) {
            s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".json"))
                    .sorted().forEach(out::add);
        } catch (IOException e) {
            throw new PlanException("cannot list " + plan.toAbsolutePath().getParent() + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<Path> existing(List<Path> ps) {
        return ps.stream().filter(Files::isRegularFile).toList();
    }

    /** Reads a DatasetProfile JSON (probe/ProfileIO); PlanException (exit 6) naming the problem. */
    public static DatasetProfile readProfile(Path file) {
        return ProfileIO.read(file);
    }

    /**
     * Reads the profiles in a file: one profile, or a JSON array of them (a run directory of a
     * several-model run holds an array in profile.json).
     */
    public static List<DatasetProfile> readProfiles(Path file) {
        String text;
        try {
            text = io.transferadvisor.util.TextFiles.read(file, io.transferadvisor.util.TextFiles.MAX_JSON_BYTES);
        } catch (IOException e) {
            return List.of(ProfileIO.read(file)); // same one-line error as a single profile
        }
        if (!text.stripLeading().startsWith("[")) {
            return List.of(ProfileIO.parse(text, file.toString()));
        }
        try {
            com.fasterxml.jackson.databind.JsonNode arr = io.transferadvisor.util.Json.json().readTree(text);
            List<DatasetProfile> out = new ArrayList<>();
            for (int i = 0; i < arr.size(); i++) {
                out.add(ProfileIO.parse(arr.get(i).toString(), file + "[" + i + "]"));
            }
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PlanException("profile " + file + " is not valid JSON: " + io.transferadvisor.plan.PlanIO.syntax(e, text) + "; re-create it with 'advisor profile'", e);
        }
    }

    public static void writeProfile(Path file, DatasetProfile p) {
        ProfileIO.write(file, p);
    }
}

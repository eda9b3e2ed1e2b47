package io.transferadvisor.plan;

import java.nio.file.Path;

/**
 * Where a plan's files are, in one place: beside PLAN.yaml its audit (PLAN.audit.json) and
 * profile (PLAN.profile.json, PLAN.profile-MODEL.json for further models), as recommend writes
 * them and execute and explain read them; inside a run folder, fixed names.
 */
public final class PlanPaths {
    private PlanPaths() {}

    /** In a run folder: the executed plan, the profile and the audit it came with. */
    public static final String RUN_PLAN = "plan.yaml";
    public static final String RUN_PROFILE = "profile.json";
    public static final String RUN_AUDIT = "audit.json";

    /** The plan file's name without .yaml / .yml (any other name is kept whole). */
    public static String base(Path plan) {
        String name = plan.getFileName().toString();
        for (String ext : new String[] {".yaml", ".yml"}) {
            if (name.endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    public static Path auditOf(Path plan) {
        return plan.resolveSibling(base(plan) + ".audit.json");
    }

    public static Path profileOf(Path plan) {
        return plan.resolveSibling(base(plan) + ".profile.json");
    }

    /** Extra profiles when several models were compared: BASE.profile-MODEL.json. */
    public static Path profileOf(Path plan, String model) {
        return plan.resolveSibling(base(plan) + ".profile-" + model.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }
}

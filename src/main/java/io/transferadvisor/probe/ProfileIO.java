package io.transferadvisor.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes DatasetProfile JSON (versioned; unknown fields rejected). */
public final class ProfileIO {
    private ProfileIO() {}

    /**
     * The tool's JSON configuration, plus: a profile with no measured plan trials is written without
     * a "trials" field, exactly as before trials existed, so its profile hash (the audit's) is unchanged.
     */
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = Json.json().copy().addMixIn(DatasetProfile.class, TrialsMixin.class);

    private abstract static class TrialsMixin {
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        abstract java.util.List<DatasetProfile.PlanTrial> trials();
    }

    /** The profile's JSON without a trailing newline: what the audit's profile hash is taken over. */
    public static String canonical(DatasetProfile profile) throws JsonProcessingException {
        return MAPPER.writeValueAsString(profile);
    }

    public static String toJson(DatasetProfile profile) {
        try {
            return MAPPER.writeValueAsString(profile) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("profile cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static void write(Path file, DatasetProfile profile) {
        AtomicFiles.writeString(file, toJson(profile));
    }

    /**
     * @throws PlanException (exit 6) with one line naming the file and the problem
     */
    public static DatasetProfile read(Path file) {
        String text;
        try {
            text = io.transferadvisor.util.TextFiles.read(file, io.transferadvisor.util.TextFiles.MAX_JSON_BYTES);
        } catch (NoSuchFileException e) {
            throw new PlanException("profile " + file + " not found; create it with 'advisor profile DATASET.yaml -o " + file + "'", e);
        } catch (IOException e) {
            throw new PlanException("profile " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static DatasetProfile parse(String text, String where) {
        JsonNode tree;
        try {
            tree = Json.json().readTree(text);
        } catch (JsonProcessingException e) {
            throw new PlanException("profile " + where + " is not valid JSON at line " + e.getLocation().getLineNr() + ": "
                    + io.transferadvisor.plan.PlanIO.syntax(e, text) + "; re-create it with 'advisor profile'", e);
        }
        if (tree == null || !tree.isObject()) {
            throw new PlanException("profile " + where + " is not a JSON object; re-create it with 'advisor profile'");
        }
        JsonNode version = tree.get("schemaVersion");
        if (version == null || !version.canConvertToInt()) {
            throw new PlanException("profile " + where + " has no schemaVersion; it is not a profile written by 'advisor profile'");
        }
        if (version.asInt() != DatasetProfile.SCHEMA_VERSION) {
            throw new PlanException("profile " + where + " has schemaVersion " + version.asInt() + "; this advisor reads version "
                    + DatasetProfile.SCHEMA_VERSION + "; re-create it with 'advisor profile'");
        }
        var unknown = io.transferadvisor.util.KnownKeys.firstUnknown(tree, DatasetProfile.class);
        if (unknown.isPresent()) {
            throw new PlanException("profile " + where + ": " + unknown.get() + "; re-create it with 'advisor profile'");
        }
        DatasetProfile p;
        try {
            p = Json.json().treeToValue(tree, DatasetProfile.class);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof IllegalArgumentException) {
                msg = root.getMessage();
                String at = e instanceof com.fasterxml.jackson.databind.JsonMappingException jm ? path(jm) : "";
                if (!at.isEmpty() && msg != null && !msg.startsWith("profile.")) {
                    msg = msg + " (at " + at + ")";
                }
            }
            throw new PlanException("profile " + where + " is invalid: " + firstLine(msg) + "; re-create it with 'advisor profile'", e);
        }
        for (String field : new String[] {"dataset", "model", "size", "layers", "sourceView", "sufficiency", "sampling"}) {
            if (!tree.hasNonNull(field)) {
                throw new PlanException("profile " + where + " lacks '" + field + "'; re-create it with 'advisor profile'");
            }
        }
        if (p.layers().isEmpty()) {
            throw new PlanException("profile " + where + " has no layers; re-create it with 'advisor profile'");
        }
        return p;
    }

    /** "layers[0].logme" for a mapping failure. */
    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

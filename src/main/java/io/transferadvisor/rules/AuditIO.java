package io.transferadvisor.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes audit JSON (plan.audit.json, RUN_DIR/audit.json). */
public final class AuditIO {
    private AuditIO() {}

    public static void write(Path file, Audit audit) {
        AtomicFiles.writeString(file, toJson(audit));
    }

    public static String toJson(Audit audit) {
        try {
            return Json.json().writeValueAsString(audit) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /** @throws PlanException one line naming the file and the bad field */
    public static Audit read(Path file) {
        String text;
        try {
            text = io.transferadvisor.util.TextFiles.read(file, io.transferadvisor.util.TextFiles.MAX_JSON_BYTES);
        } catch (NoSuchFileException e) {
            throw new PlanException("audit " + file + " not found; it is written next to plan.yaml by 'advisor recommend'");
        } catch (IOException e) {
            throw new PlanException("cannot read audit " + file + ": " + e.getMessage(), e);
        }
        try {
            Audit a = Json.json().readValue(text, Audit.class);
            if (a == null || a.schemaVersion() != Audit.SCHEMA_VERSION) {
                throw new PlanException("audit " + file + ": schemaVersion " + (a == null ? "missing" : a.schemaVersion())
                        + " not supported; this advisor reads " + Audit.SCHEMA_VERSION);
            }
            return a;
        } catch (JsonProcessingException e) {
            if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException && text.contains("\"datasetHash\"")
                    && !text.contains("\"traces\"")) {
                throw new PlanException(file + " is a dataset profile ('advisor profile' output), not an audit; give a plan.yaml, "
                        + "its .audit.json or a run directory", e);
            }
            throw new PlanException("audit " + file + ": " + PlanIO.describe(e, text) + "; regenerate it with 'advisor recommend --force'", e);
        }
    }
}

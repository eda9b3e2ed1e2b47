package io.transferadvisor.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** plan.yaml: written by `advisor recommend`, edited by people, read by `advisor run` / `explain`. */
public final class PlanIO {
    private PlanIO() {}

    static final String HEADER = """
            # transfer-advisor plan (schemaVersion 1). Edit freely, then: advisor run THIS_FILE
            # strategy: LINEAR_FROZEN | LINEAR_EARLIER | TRUNCATE_GROW | FINETUNE_ABOVE | FINETUNE_ALL |
            #           FROM_SCRATCH | AUTOENCODER_TRANSFER | ENSEMBLE
            # cutoffLayer: a candidate cut of the model (see 'advisor models'); frozen up to and including it.
            # Why this plan: advisor explain THIS_FILE   (the audit is in the .audit.json beside it)
            """;

    /** The comment line that ties a recommended plan to its audit: the SHA-256 of the audit file's bytes. */
    static final String AUDIT_TAG = "# audit-sha256: ";
    private static final java.util.regex.Pattern AUDIT_LINE = java.util.regex.Pattern.compile("(?m)^# audit-sha256: ([0-9a-f]{64})\\b");

    public static void write(Path file, Plan plan) {
        AtomicFiles.writeString(file, toYaml(plan));
    }

    public static String toYaml(Plan plan) {
        return toYaml(plan, null);
    }

    /** The plan file's text; with {@code auditSha256} it names the audit it belongs to (see {@link #checkAudit}). */
    public static String toYaml(Plan plan, String auditSha256) {
        try {
            String tag = auditSha256 == null ? "" : AUDIT_TAG + auditSha256
                    + "\n#   (the audit beside this plan; 'explain' and 'run' refuse another one. Delete the line above to run the plan without it.)\n";
            return HEADER + tag + Json.yaml().writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan not serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /** True when the file starts with the header every plan written by the tool has. */
    public static boolean writtenByAdvisor(Path file) {
        return io.transferadvisor.util.OwnFiles.startsWith(file, HEADER.substring(0, HEADER.indexOf('(')));
    }

    /** The audit SHA-256 a plan file names, or null (hand-written plans, run directories, plans from before the tag). */
    public static String auditSha256(String planText) {
        java.util.regex.Matcher m = AUDIT_LINE.matcher(planText);
        return m.find() ? m.group(1) : null;
    }

    /**
     * A recommended plan and its audit are one unit: when the plan names an audit (its
     * {@code # audit-sha256} line), the audit file must exist and have exactly that hash.
     *
     * @throws PlanException one line naming the plan, the audit and what is wrong (exit 6)
     */
    public static void checkAudit(Path planFile, Path auditFile) {
        String want;
        try {
            want = auditSha256(Files.readString(planFile));
        } catch (IOException e) {
            return; // unreadable plans are reported by read()
        }
        if (want == null) {
            return;
        }
        if (auditFile == null || !Files.isRegularFile(auditFile)) {
            throw new PlanException("plan " + planFile + " belongs to an audit (sha256 " + want.substring(0, 12) + "...) but " + auditFile
                    + " is missing; rerun 'advisor recommend ... -o " + planFile.getFileName() + " --force', or delete the '"
                    + AUDIT_TAG.trim() + "' line to use the plan without its audit");
        }
        String have = io.transferadvisor.util.Hashing.sha256(auditFile);
        if (!have.equals(want)) {
            throw new PlanException("plan " + planFile + " and audit " + auditFile + " are from different recommendations (audit sha256 "
                    + have.substring(0, 12) + "..., the plan expects " + want.substring(0, 12) + "...); rerun 'advisor recommend ... -o "
                    + planFile.getFileName() + " --force', or delete the '" + AUDIT_TAG.trim() + "' line to use the plan without its audit");
        }
    }

    /** @throws PlanException one line: the file, the field and what is wrong with it */
    public static Plan read(Path file) {
        String text;
        try {
            text = io.transferadvisor.util.TextFiles.read(file, io.transferadvisor.util.TextFiles.MAX_YAML_BYTES);
        } catch (NoSuchFileException e) {
            throw new PlanException("plan " + file + " not found; create one with 'advisor recommend DATASET.yaml -o " + file.getFileName() + "'");
        } catch (IOException e) {
            throw new PlanException("cannot read plan " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static Plan parse(String yaml, String source) {
        try {
            var tree = Json.yaml().readTree(yaml);
            var unknown = io.transferadvisor.util.KnownKeys.firstUnknown(tree, Plan.class);
            if (unknown.isPresent()) {
                throw new PlanException("plan " + source + ": " + unknown.get() + "; fix the key or re-create the plan with 'advisor recommend'");
            }
            Plan p = Json.yaml().readValue(yaml, Plan.class);
            if (p == null) {
                throw new PlanException("plan " + source + " is empty; expected the fields written by 'advisor recommend'");
            }
            return p;
        } catch (JsonProcessingException e) {
            throw new PlanException("plan " + source + ": " + describe(e), e);
        }
    }

    /**
     * {@link #describe(JsonProcessingException)} for a JSON document read from {@code text}: a document that
     * opens with a brace or bracket and does not close with one was cut off, and says so first (a cut inside
     * a token otherwise reads as "Unrecognized token 'fals'").
     */
    public static String describe(JsonProcessingException e, String text) {
        return cutOff(describe(e), text);
    }

    /** {@link #syntax(JsonProcessingException)} for a JSON document read from {@code text}, cut-off documents named as such. */
    public static String syntax(JsonProcessingException e, String text) {
        return cutOff(syntax(e), text);
    }

    private static String cutOff(String msg, String text) {
        String t = text == null ? "" : text.strip();
        boolean opened = t.startsWith("{") || t.startsWith("[");
        boolean closed = t.endsWith("}") || t.endsWith("]");
        return opened && !closed && !msg.startsWith(ENDS_EARLY) ? ENDS_EARLY + msg : msg;
    }

    private static final String ENDS_EARLY = "the file ends early (cut off while being written or copied?): ";

    /** One line for a Jackson failure: the field path and what was wrong. */
    public static String describe(JsonProcessingException e) {
        Throwable cause = e.getCause();
        if (e instanceof ValueInstantiationException && cause instanceof PlanException pe) {
            return pe.getMessage();
        }
        if (cause instanceof PlanException pe) {
            return pe.getMessage();
        }
        String path = e instanceof JsonMappingException jm ? path(jm) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + path + "'; known fields: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
        }
        if (e instanceof InvalidFormatException f) {
            String allowed = f.getTargetType() != null && f.getTargetType().isEnum()
                    ? "; allowed " + Arrays.toString(f.getTargetType().getEnumConstants()) : " (expected " + simple(f.getTargetType()) + ")";
            return "field '" + path + "' has bad value '" + f.getValue() + "'" + allowed;
        }
        String msg = syntax(e);
        String loc = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
        return (path.isEmpty() ? "" : "field '" + path + "': ") + msg + loc;
    }

    /**
     * Jackson's parse message without its source excerpt ("(start marker at [Source: REDACTED ...")
     * and, for a file that ends early, in plain words.
     */
    public static String syntax(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        int cut = msg.indexOf(" (start marker at");
        if (cut > 0) {
            msg = msg.substring(0, cut);
        }
        msg = msg.replaceAll("\\s*\\R\\s*", " ");
        if (msg.startsWith("Unexpected end-of-input")) {
            msg = ENDS_EARLY + msg;
        }
        return msg.length() > 200 ? msg.substring(0, 200) + "..." : msg;
    }

    private static String simple(Class<?> c) {
        return c == null ? "?" : c.getSimpleName();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}

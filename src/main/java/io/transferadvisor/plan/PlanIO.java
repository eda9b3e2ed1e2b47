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

    public static void write(Path file, Plan plan) {
        AtomicFiles.writeString(file, toYaml(plan));
    }

    public static String toYaml(Plan plan) {
        try {
            return HEADER + Json.yaml().writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan not serialisable: " + e.getOriginalMessage(), e);
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
            msg = "the file ends early (cut off while being written or copied?): " + msg;
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

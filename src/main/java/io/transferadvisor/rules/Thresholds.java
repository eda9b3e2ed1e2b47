package io.transferadvisor.rules;

import io.transferadvisor.rules.facts.Threshold;
import io.transferadvisor.util.TextFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rules/thresholds.csv: every number a rule compares a measured fact against, named once, with
 * what it means, whether the textbook or a measurement set it, and the link to its evidence.
 * Loaded with the rules (part of the rules hash) and inserted into every session as
 * {@link Threshold} facts.
 */
public final class Thresholds {
    public static final String FILE = "thresholds.csv";
    static final List<String> HEADER = List.of("name", "value", "meaning", "set from", "evidence");
    static final Pattern USE = Pattern.compile("Threshold\\s*\\(\\s*name\\s*==\\s*\"([^\"]+)\"");

    /** One row. */
    public record Row(String name, double value, String meaning, String setFrom, String evidence) {
        public Threshold fact() {
            return new Threshold(name, value);
        }
    }

    private Thresholds() {}

    /** The table of a rules folder, or an empty list when it has none. */
    public static List<Row> read(Path dir) {
        String text = text(dir);
        return text == null ? List.of() : parse(text, FILE);
    }

    /** The table's text (strict UTF-8, size-bounded), or null when the folder has none: read once, parsed and hashed. */
    static String text(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return TextFiles.read(f, TextFiles.MAX_YAML_BYTES);
        } catch (java.io.IOException e) {
            throw new RulesException(FILE + ":1: cannot read: " + e.getMessage());
        }
    }

    static List<Row> parse(String text, String where) {
        List<Row> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            List<String> cells = DecisionTables.csvLine(lines[i]);
            if (i == 0) {
                if (!cells.equals(HEADER)) {
                    throw new RulesException(where + ":1: header must be " + String.join(",", HEADER));
                }
                continue;
            }
            String at = where + ":" + (i + 1);
            if (cells.size() != HEADER.size()) {
                throw new RulesException(at + ": " + cells.size() + " cells, expected " + HEADER.size() + " (" + String.join(",", HEADER) + ")");
            }
            String name = cells.get(0).trim();
            if (!name.matches("[a-z][A-Za-z0-9]*(\\.[A-Za-z0-9]+)*")) {
                throw new RulesException(at + ": threshold name '" + name + "' must be dotted words, e.g. size.small.perClass");
            }
            double v;
            try {
                v = Double.parseDouble(cells.get(1).trim());
            } catch (NumberFormatException e) {
                throw new RulesException(at + ": threshold " + name + " value '" + cells.get(1) + "' is not a number");
            }
            if (!Double.isFinite(v)) {
                throw new RulesException(at + ": threshold " + name + " value must be finite");
            }
            String from = cells.get(3).trim().toLowerCase(Locale.ROOT);
            if (!List.of("textbook", "measured", "calibration").contains(from)) {
                throw new RulesException(at + ": threshold " + name + " 'set from' is '" + cells.get(3) + "'; textbook, measured or calibration");
            }
            if (cells.get(4).isBlank()) {
                throw new RulesException(at + ": threshold " + name + " has no evidence link");
            }
            Integer before = seen.put(name, i + 1);
            if (before != null) {
                throw new RulesException(at + ": threshold " + name + " is already on line " + before + "; name each threshold once");
            }
            out.add(new Row(name, v, cells.get(2), from, cells.get(4)));
        }
        return List.copyOf(out);
    }

    /** The names the rule texts compare against, in order of first use. */
    static List<String> used(String ruleText) {
        List<String> out = new ArrayList<>();
        Matcher m = USE.matcher(ruleText);
        while (m.find()) {
            if (!out.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}

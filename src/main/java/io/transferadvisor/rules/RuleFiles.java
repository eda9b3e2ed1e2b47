package io.transferadvisor.rules;

import io.transferadvisor.util.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rule files of a folder as read from disk (every *.drl and decision table, in name order) and
 * their hash, plus the mapping of a line of DRL generated from a decision table back to its row.
 */
final class RuleFiles {
    /** One rule file: its name and bytes. */
    record RuleFile(String name, byte[] bytes) {
        boolean table() {
            return DecisionTables.isTable(name);
        }

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private RuleFiles() {}

    /**
     * @return the files, never empty
     * @throws RulesException for a missing or unreadable folder or file, a decision table Drools would
     *     skip (*.csv / *.xlsx not named *.drl.csv), or a folder without rule files
     */
    static List<RuleFile> read(Path abs) {
        return read(abs, listing(abs));
    }

    /** The regular files of the rules folder, in name order. */
    static List<Path> listing(Path abs) {
        if (!Files.isDirectory(abs)) {
            throw new RulesException("rules folder " + abs + " not found; pass --rules DIR or restore rules/ under " + abs.getParent());
        }
        try (Stream<Path> s = Files.list(abs)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new RulesException("cannot list rules folder " + abs + ": " + e.getMessage(), e);
        }
    }

    /** The rule files among {@code paths} (a {@link #listing}), spreadsheet twins of a CSV left out. */
    static List<RuleFile> read(Path abs, List<Path> paths) {
        List<RuleFile> out = new ArrayList<>();
        java.util.Set<Path> twins = DecisionTables.twins(paths);
        for (Path p : paths) {
            String name = p.getFileName().toString();
            if (!name.endsWith(".drl") && !DecisionTables.isTable(name)) {
                String misnamed = DecisionTables.misnamed(name);
                if (misnamed != null) {
                    throw new RulesException(misnamed);
                }
                continue;
            }
            if (twins.contains(p)) {
                continue; // a spreadsheet twin of a CSV table: verified equal by RuleBase.load, neither compiled nor hashed again
            }
            try {
                out.add(new RuleFile(name, Files.readAllBytes(p)));
            } catch (IOException e) {
                throw new RulesException(name + ":1: cannot read: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new RulesException("rules folder " + abs + " holds no *.drl, *.drl.csv, *.drl.xlsx or *.drl.xls file; restore the rule base or pass --rules DIR");
        }
        return out;
    }

    /** SHA-256 over the files' names and contents, in name order. */
    static String hash(List<RuleFile> files) {
        MessageDigest digest = Hashing.sha256();
        for (RuleFile f : files) {
            digest.update(f.name().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(f.bytes());
            digest.update((byte) 0);
        }
        return Hashing.hex(digest);
    }

    /** "table.drl.csv:ROW (row NAME)": the decision-table row a generated rule came from. */
    static String csvRow(String csv, String ruleName, List<String> rows) {
        for (int i = 0; ruleName != null && i < rows.size(); i++) {
            String first = rows.get(i).split(",", 2)[0].replace("\"", "").trim();
            if (first.equals(ruleName)) {
                return csv + ":" + (i + 1) + " (row " + ruleName + ")";
            }
        }
        return csv + ":1" + (ruleName == null ? "" : " (row " + ruleName + ")");
    }

    /** The name of the rule a generated-DRL line belongs to. */
    static String ruleAt(String drl, int line) {
        if (drl == null || line < 1) {
            return null;
        }
        List<String> lines = drl.lines().toList();
        for (int i = Math.min(line, lines.size()) - 1; i >= 0; i--) {
            String l = lines.get(i).trim();
            if (l.startsWith("rule ")) {
                return l.substring(5).replace("\"", "").trim();
            }
        }
        return null;
    }
}

package io.transferadvisor.rules;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.drools.decisiontable.InputType;

/**
 * Drools decision tables as the rule base reads them: {@code *.drl.csv}, {@code *.drl.xlsx} and
 * {@code *.drl.xls} (Drools compiles spreadsheets natively). A spreadsheet beside a CSV of the same
 * stem (rules/matrix.drl.xlsx next to rules/matrix.drl.csv) is its twin for people who edit tables in a
 * spreadsheet: it must hold the same cells, is checked at every load (so `advisor rules check` fails
 * when they drift) and is not compiled a second time.
 */
public final class DecisionTables {
    private DecisionTables() {}

    static final List<String> SUFFIXES = List.of(".drl.csv", ".drl.xlsx", ".drl.xls");

    public static boolean isTable(String name) {
        return SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** A file that looks like a table but is not named so Drools reads it: the message, else null. */
    static String misnamed(String name) {
        if (isTable(name) || name.equals(Thresholds.FILE)) {
            return null;
        }
        for (String ext : List.of(".csv", ".xlsx", ".xls")) {
            if (name.endsWith(ext)) {
                String stem = name.substring(0, name.length() - ext.length());
                return name + ":1: decision table not loaded: Drools reads tables named *.drl.csv, *.drl.xlsx or *.drl.xls; rename it to "
                        + stem + ".drl" + ext;
            }
        }
        return null;
    }

    static InputType inputType(String name) {
        return name.endsWith(".drl.csv") ? InputType.CSV : InputType.XLS;
    }

    static String stem(String name) {
        for (String s : SUFFIXES) {
            if (name.endsWith(s)) {
                return name.substring(0, name.length() - s.length());
            }
        }
        return name;
    }

    /**
     * Spreadsheets that are twins of a CSV table in the same folder (same stem): they are neither
     * compiled nor hashed again. Their cells are checked against the CSV by {@link #verify}.
     */
    static Set<Path> twins(List<Path> paths) {
        Set<String> csvStems = new HashSet<>();
        for (Path p : paths) {
            String n = p.getFileName().toString();
            if (n.endsWith(".drl.csv")) {
                csvStems.add(stem(n));
            }
        }
        Set<Path> twins = new HashSet<>();
        for (Path p : paths) {
            String n = p.getFileName().toString();
            if ((n.endsWith(".drl.xlsx") || n.endsWith(".drl.xls")) && csvStems.contains(stem(n))) {
                twins.add(p);
            }
        }
        return twins;
    }

    /**
     * Checks that each twin holds its CSV's cells.
     *
     * @throws RulesException naming the first cell that differs, and how to fix it
     */
    static void verify(Set<Path> twins) {
        for (Path p : twins.stream().sorted().toList()) {
            String n = p.getFileName().toString();
            Path csv = p.resolveSibling(stem(n) + ".drl.csv");
            String diff = difference(cells(csv), cells(p));
            if (diff != null) {
                throw new RulesException(n + ": differs from " + csv.getFileName() + " at " + diff + "; the spreadsheet is the CSV's "
                        + "twin for spreadsheet users: copy the change into the other file (or delete one of the two) and rerun 'advisor rules check'");
            }
        }
    }

    /** The table's cells, row by row, trimmed, without trailing empty cells and rows. */
    public static List<List<String>> cells(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RulesException(file.getFileName() + ":1: cannot read: " + e.getMessage(), e);
        }
        return cells(file.getFileName().toString(), bytes);
    }

    static List<List<String>> cells(String name, byte[] bytes) {
        List<List<String>> rows = new ArrayList<>();
        if (name.endsWith(".csv")) {
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1)) {
                rows.add(csvLine(line));
            }
        } else {
            try (Workbook wb = WorkbookFactory.create(new ByteArrayInputStream(bytes))) {
                Sheet sheet = wb.getSheetAt(0);
                DataFormatter fmt = new DataFormatter(java.util.Locale.ROOT);
                for (int r = 0; r <= sheet.getLastRowNum(); r++) {
                    Row row = sheet.getRow(r);
                    List<String> out = new ArrayList<>();
                    for (int c = 0; row != null && c < row.getLastCellNum(); c++) {
                        Cell cell = row.getCell(c);
                        out.add(cell == null ? "" : fmt.formatCellValue(cell));
                    }
                    rows.add(out);
                }
            } catch (IOException | RuntimeException e) {
                throw new RulesException(name + ":1: not a readable spreadsheet: " + RuleBase.oneLine(e.getMessage())
                        + "; save it as .xlsx (or .xls) from a spreadsheet program", e);
            }
        }
        for (List<String> r : rows) {
            r.replaceAll(String::strip);
            while (!r.isEmpty() && r.get(r.size() - 1).isEmpty()) {
                r.remove(r.size() - 1);
            }
        }
        while (!rows.isEmpty() && rows.get(rows.size() - 1).isEmpty()) {
            rows.remove(rows.size() - 1);
        }
        return rows;
    }

    /** "row 12, column C ('x' vs 'y')" for the first differing cell, or null when equal. */
    static String difference(List<List<String>> a, List<List<String>> b) {
        for (int r = 0; r < Math.max(a.size(), b.size()); r++) {
            List<String> ra = r < a.size() ? a.get(r) : List.of();
            List<String> rb = r < b.size() ? b.get(r) : List.of();
            for (int c = 0; c < Math.max(ra.size(), rb.size()); c++) {
                String x = c < ra.size() ? ra.get(c) : "";
                String y = c < rb.size() ? rb.get(c) : "";
                if (!x.equals(y)) {
                    return "row " + (r + 1) + ", column " + column(c) + " ('" + shorten(x) + "' vs '" + shorten(y) + "')";
                }
            }
        }
        return null;
    }

    static String column(int c) {
        StringBuilder b = new StringBuilder();
        for (int n = c + 1; n > 0; n = (n - 1) / 26) {
            b.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return b.toString();
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** One CSV line: commas separate cells, double quotes group, "" is a quote (as Drools reads them). */
    static List<String> csvLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }
}

package io.transferadvisor.cli;

import io.transferadvisor.model.ModelException;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.model.ZooSourceModel;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `advisor models`: every pretrained model the advisor knows, and whether its weights are here. */
@Command(name = "models",
        mixinStandardHelpOptions = true,
        description = "List the pretrained models: project models (profiles/) and DL4J zoo models (zoo:NAME). "
                + "Any DL4J .zip or Keras .h5 file can also be used with 'file:' in dataset.yaml. "
                + "Zoo weights are never downloaded: a missing file is shown with its checksum and where to put it.",
        footer = {"", "Examples:", "  advisor models", "  advisor models --json"})
public final class ModelsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    OutputOptions output;

    /** One row of the listing. */
    record Row(String name, String source, int classes, String classSummary, String input, String preprocessing, long parameters,
               List<String> candidateCuts, boolean available, String weights, String note) {}

    @Override
    public Integer call() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (SourceModel m : ModelRegistry.known()) {
            rows.add(row(m));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("name", r.name());
                o.put("sourceDataset", r.source());
                o.put("sourceClassCount", r.classes());
                o.put("sourceClasses", r.classSummary());
                o.put("input", r.input());
                o.put("preprocessing", r.preprocessing());
                o.put("parameters", r.parameters());
                o.put("candidateCuts", r.candidateCuts());
                o.put("weights", r.available() ? "available" : "missing");
                o.put("weightsLocation", r.weights());
                if (r.note() != null) {
                    o.put("note", r.note());
                }
                list.add(o);
            }
            out.println(Json.json().writeValueAsString(list));
            out.flush();
            return ExitCodes.OK;
        }
        String[] head = {"NAME", "SOURCE", "INPUT", "PREPROCESS", "PARAMS", "CUT LAYERS", "WEIGHTS"};
        List<String[]> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(new String[] {r.name(), abbreviate(sourceCell(r), 72), r.input(), r.preprocessing(), humanCount(r.parameters()),
                abbreviateList(r.candidateCuts()), r.available() ? "available" : "missing"});
        }
        int[] width = new int[head.length];
        for (int c = 0; c < head.length; c++) {
            width[c] = head[c].length();
            for (String[] row : cells) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        printRow(out, head, width);
        for (String[] row : cells) {
            printRow(out, row, width);
        }
        if (!output.quiet()) {
            boolean anyMissing = false;
            for (Row r : rows) {
                if (!r.available()) {
                    if (!anyMissing) {
                        out.println();
                        out.println("Missing weights (this tool never downloads them; copy the file to the path shown):");
                        anyMissing = true;
                    }
                    out.println("  " + r.name() + ": " + (r.note() != null ? r.note() : r.weights()));
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static Row row(SourceModel m) {
        ModelProfile p;
        try {
            p = m.profile();
        } catch (ModelException e) {
            return new Row(m.name(), "broken profile", 0, "", "?", m.preprocessing().name(), 0, List.of(), false, m.weightsLocation(), e.getMessage());
        }
        String note = null;
        if (!m.available()) {
            note = m instanceof ZooSourceModel z ? z.weightsLocation() + " (Adler32 " + z.expectedChecksum() + ", from " + z.url() + ")"
                    : m.weightsLocation();
        }
        return new Row(m.name(), p.sourceDataset(), p.sourceClasses().size(), classSummary(p.sourceClasses()), p.input().toString(),
                m.preprocessing().name(),
                p.parameters(), p.candidateCuts(), m.available(), m.weightsLocation(), note);
    }

    /** The dataset, plus the class names unless the dataset text already names them or they are only numbers. */
    static String sourceCell(Row r) {
        String first = r.classSummary().split(",")[0].trim();
        boolean synthetic = first.isEmpty() || first.matches(".*\\d+") && !first.matches("\\d+");
        if (synthetic || r.source().contains(first)) {
            return r.source();
        }
        return r.source() + ": " + r.classSummary();
    }

    static String classSummary(List<String> classes) {
        if (classes.size() <= 5) {
            return String.join(", ", classes);
        }
        return String.join(", ", classes.subList(0, 3)) + ", ... (" + classes.size() + ")";
    }

    static String abbreviateList(List<String> items) {
        if (items.size() <= 5) {
            return String.join(",", items);
        }
        return String.join(",", items.subList(0, 2)) + ",...," + String.join(",", items.subList(items.size() - 2, items.size()))
                + " (" + items.size() + ")";
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    static String humanCount(long n) {
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        if (n >= 1_000) {
            return String.format(Locale.ROOT, "%.0fk", n / 1e3);
        }
        return Long.toString(n);
    }

    private static void printRow(PrintWriter out, String[] row, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
            b.append(c == row.length - 1 ? row[c] : String.format(Locale.ROOT, "%-" + width[c] + "s  ", row[c]));
        }
        out.println(b.toString().stripTrailing());
    }
}

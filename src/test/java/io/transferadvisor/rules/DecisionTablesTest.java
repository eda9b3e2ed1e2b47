package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.cli.CliTestSupport;
import io.transferadvisor.plan.PlanIO;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decision tables as spreadsheets: rules/matrix.drl.xlsx is generated from rules/matrix.drl.csv by
 * this test (-Dspreadsheet.update=true rewrites it; a missing one is created), loads alone with the
 * same rules and plan, .drl.xls works too, and a twin that drifted from its CSV is refused.
 */
class DecisionTablesTest {
    static final Path CSV = Path.of("rules/matrix.drl.csv");
    static final Path XLSX = Path.of("rules/matrix.drl.xlsx");

    /** Every cell as a text cell: Drools reads the same strings the CSV holds. */
    static void write(List<List<String>> cells, Workbook wb, Path file) throws Exception {
        Sheet sheet = wb.createSheet("Tables");
        for (int r = 0; r < cells.size(); r++) {
            Row row = sheet.createRow(r);
            for (int c = 0; c < cells.get(r).size(); c++) {
                row.createCell(c).setCellValue(cells.get(r).get(c));
            }
        }
        sheet.setColumnWidth(0, 24 * 256);
        try (OutputStream out = Files.newOutputStream(file)) {
            wb.write(out);
        }
        wb.close();
    }

    @BeforeAll
    static void generate() throws Exception {
        if (Boolean.getBoolean("spreadsheet.update") || !Files.exists(XLSX)) {
            write(DecisionTables.cells(CSV), new XSSFWorkbook(), XLSX);
        }
    }

    @Test
    void theShippedSpreadsheetHoldsTheCsvsCells() throws Exception {
        assertThat(DecisionTables.difference(DecisionTables.cells(CSV), DecisionTables.cells(XLSX)))
                .as(XLSX + " must equal " + CSV + " (regenerate with -Dspreadsheet.update=true)").isNull();
        // the twin is verified, not compiled or hashed a second time: the rules hash is the CSV's
        assertThat(RuleBase.load(Path.of("rules")).files()).contains("matrix.drl.csv").doesNotContain("matrix.drl.xlsx");
    }

    static Path copyRules(Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (var s = Files.list(Path.of("rules"))) {
            for (Path p : s.toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        return rules;
    }

    static String plan(RuleBase base) {
        var rec = new Recommender(base).recommend(List.of(GoldenAuditTest.realProfile()), GoldenAuditTest.REQUEST);
        return PlanIO.toYaml(rec.plan());
    }

    @Test
    void theSpreadsheetAloneAndAnXlsGiveTheSameRulesAndPlan(@TempDir Path dir) throws Exception {
        RuleBase shipped = RuleTesting.rules();
        Path rules = copyRules(dir);
        Files.delete(rules.resolve("matrix.drl.csv"));
        RuleBase fromXlsx = RuleBase.load(rules);
        assertThat(fromXlsx.rules().stream().map(RuleBase.RuleInfo::id).sorted().toList())
                .isEqualTo(shipped.rules().stream().map(RuleBase.RuleInfo::id).sorted().toList());
        assertThat(fromXlsx.rules().stream().filter(r -> r.id().equals("matrix-small-high")).findFirst().orElseThrow().file())
                .isEqualTo("matrix.drl.xlsx");
        assertThat(plan(fromXlsx)).isEqualTo(plan(shipped));

        Files.delete(rules.resolve("matrix.drl.xlsx"));
        write(DecisionTables.cells(CSV), new HSSFWorkbook(), rules.resolve("matrix.drl.xls"));
        assertThat(plan(RuleBase.load(rules))).isEqualTo(plan(shipped));
    }

    @Test
    void aTwinThatDriftedFromItsCsvIsRefusedAndRulesCheckExitsFive(@TempDir Path dir) throws Exception {
        Path rules = copyRules(dir);
        List<List<String>> cells = DecisionTables.cells(CSV);
        cells.get(12).set(1, "MEDIUM"); // an edit made only in the spreadsheet
        write(cells, new XSSFWorkbook(), rules.resolve("matrix.drl.xlsx"));
        assertThatThrownBy(() -> RuleBase.load(rules)).isInstanceOf(RulesException.class)
                .hasMessageContaining("matrix.drl.xlsx: differs from matrix.drl.csv at row 13, column B ('SMALL' vs 'MEDIUM')");
        var check = CliTestSupport.run("rules", "check", rules.toString());
        assertThat(check.exitCode()).isEqualTo(5);
        assertThat(check.err()).contains("differs from matrix.drl.csv at row 13");
    }

    @Test
    void aMisnamedSpreadsheetGetsTheRightNameInTheMessage(@TempDir Path dir) throws Exception {
        Path rules = copyRules(dir);
        Files.copy(XLSX, rules.resolve("extra.xlsx"));
        assertThatThrownBy(() -> RuleBase.load(rules)).hasMessageContaining("rename it to extra.drl.xlsx");
        Files.delete(rules.resolve("extra.xlsx"));
        Files.write(rules.resolve("notes.xls"), new byte[] {1});
        assertThatThrownBy(() -> RuleBase.load(rules)).hasMessageContaining("rename it to notes.drl.xls");
    }
}

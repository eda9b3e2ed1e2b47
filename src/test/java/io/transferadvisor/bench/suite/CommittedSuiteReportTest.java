package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.rules.RuleBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The committed suite report is the evidence every calibrated rule and threshold cites: it must have been
 * made with the rules as committed, and each of its calibration procedures must have chosen what the rules
 * hold. A rule or threshold edited without `advisor bench suite --report-only` fails here, as does a rule
 * the calibration split no longer supports (the report then says "they differ").
 */
class CommittedSuiteReportTest {
    static final Path REPORT = Path.of("docs/benchmarks/suite.md");

    @Test
    void theSuiteReportWasMadeWithTheCommittedRulesAndEveryCalibrationChoiceIsTheRules() throws Exception {
        String md = Files.readString(REPORT);
        Matcher m = Pattern.compile("rules hash ([0-9a-f]{12})").matcher(md);
        assertThat(m.find()).as("docs/benchmarks/suite.md names the rules hash it was made with").isTrue();
        String hash = RuleBase.load(Path.of("rules")).hash();
        assertThat(m.group(1)).as("docs/benchmarks/suite.md was made with other rules: run `advisor bench suite --report-only`")
                .isEqualTo(hash.substring(0, 12));
        // one line per calibrated procedure: similarity.familiar, the plan ensembles (two size groups) and
        // ensemble.maxProbeGap (the similarity lead's sweep only while the rules ensemble models)
        List<String> chosen = md.lines().filter(l -> l.startsWith("Chosen on calibration")).toList();
        assertThat(chosen).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(l -> assertThat(l).as("the rules follow the calibration split").endsWith("(the same)."));
    }
}

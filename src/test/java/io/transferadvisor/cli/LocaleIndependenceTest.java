package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user whose machine speaks German gets the same numbers as everyone else: every format call in
 * src/main names its locale (the build's forbiddenapis check fails on one that does not), and this
 * runs profile, recommend and explain, which print many decimals, under Locale.GERMANY.
 */
class LocaleIndependenceTest {
    @Test
    void profileRecommendAndExplainPrintDecimalPointsUnderAGermanDefaultLocale(@TempDir Path dir) {
        Locale old = Locale.getDefault();
        Path plan = dir.resolve("plan.yaml");
        try {
            Locale.setDefault(Locale.GERMANY);
            var rec = RulesCliTest.recommend(plan);
            assertThat(rec.exitCode()).as(rec.err()).isZero();
            var r = CliTestSupport.run("explain", plan.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            // the probe's progress lines (stderr) time every step in seconds with one decimal
            var prof = CliTestSupport.run("profile", "examples/glyphs.yaml", "--cache", dir.resolve("cache").toString());
            assertThat(prof.exitCode()).as(prof.err()).isZero();
            assertThat(prof.err()).containsPattern("size table [0-9]+\\.[0-9] s");
            String text = rec.out() + r.out() + prof.out() + prof.err();
            assertThat(text).containsPattern("\\b0\\.[0-9]{3}\\b"); // e.g. a similarity of 0.877
            assertThat(text).doesNotContainPattern("\\b0,[0-9]{3}\\b");
        } finally {
            Locale.setDefault(old);
        }
    }
}

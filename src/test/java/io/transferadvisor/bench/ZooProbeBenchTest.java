package io.transferadvisor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The zoo-probe benchmark reads the probe's stage times from the profile's progress log, as Prober prints them. */
class ZooProbeBenchTest {
    @Test
    void readsTheProbesStageTimesFromItsLog() {
        String log = "probe: avgpool      shift 130086523.947  LogME -0.496  probe acc 0.542\n"
                + "probe: learning curve on res2a_branch: a=0.9288 b=2.4730 c=0.720\n"
                + "probe: time 64.6 s LogME, 19.1 s linear probe (summed over layers measured in parallel), 1.0 s learning curve\n";
        assertThat(ZooProbeBench.probeTimes(log)).containsExactly(64.6, 19.1, 1.0);
        assertThat(ZooProbeBench.probeTimes("probe: features ready (1996 computed)\n")).isNull();
    }

    @Test
    void aFolderItDidNotMakeIsRefusedAndLeftAlone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("mine.txt"), "keep");
        var o = new ZooProbeBench.Options(tmp, 40, 10, "zoo:squeezenet", "2g", tmp.resolve("none.jar"), "advisor bench zoo-probe");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZooProbeBench.run(o, new java.io.PrintWriter(java.io.Writer.nullWriter())))
                .isInstanceOf(io.transferadvisor.UsageException.class).hasMessageContaining("is not empty");
        assertThat(tmp.resolve("mine.txt")).hasContent("keep");
        assertThat(tmp.resolve(StreamBench.MARKER)).doesNotExist();
    }
}

package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** One bar per training step over all its epochs; log lines of a step's epochs carry the step's ETA. */
class ProgressTest {
    @Test
    void epochLinesCarryTheStepsEtaAndStatusLinesDoNot() {
        StringWriter s = new StringWriter();
        Progress p = new Progress(new PrintWriter(s), false);
        p.startEpoch("train", 1, 10, 100);
        p.step(100, 0.5);
        p.endBar();
        p.log("train epoch 1/10  loss 0.5");
        p.startEpoch("train", 2, 10, 100); // the same step: no new bar, the ETA keeps counting over all epochs
        p.step(100, 0.4);
        p.log("train epoch 2/10  loss 0.4");
        p.log("train: stopped after 2 epochs");
        p.endStep();
        p.log("run finished");
        String out = s.toString();
        assertThat(out).contains("train epoch 1/10  loss 0.5  [train 10%, ETA <= ", "train epoch 2/10  loss 0.4  [train 20%, ETA <= ");
        assertThat(out).contains("train: stopped after 2 epochs\n").contains("run finished\n").doesNotContain("\r");
    }

    @Test
    void aTerminalGetsOneBarForTheWholeStep() {
        StringWriter s = new StringWriter();
        Progress p = new Progress(new PrintWriter(s), true);
        p.startEpoch("train", 1, 3, 50);
        p.step(50, 0.5);
        p.endBar();
        p.log("train epoch 1/3");
        p.startEpoch("train", 2, 3, 50);
        p.step(50, 0.4);
        p.endStep();
        String out = s.toString();
        assertThat(out).contains("train (3 epochs max)", "\r").contains("train epoch 1/3  [train 33%, ETA <= ");
        assertThat(out.split("train \\(3 epochs max\\)", -1).length).isGreaterThan(1);
        assertThat(Progress.duration(125)).isEqualTo("2m05s");
        assertThat(Progress.duration(7300)).isEqualTo("2h01m");
    }
}

package io.transferadvisor.execute;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: a progress bar with images/s and ETA when a terminal is attached, plain log
 * lines otherwise (CI logs, files, tests). Writes only to the given writer.
 */
public final class Progress {
    private final PrintWriter out;
    private final boolean interactive;
    private ProgressBar bar;

    public Progress(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    public void log(String line) {
        endBar();
        out.println(line);
        out.flush();
    }

    /** Starts one epoch of {@code images} images. */
    public void startEpoch(String phase, int epoch, int maxEpochs, long images) {
        if (!interactive) {
            return;
        }
        endBar();
        bar = new ProgressBarBuilder()
                .setTaskName(phase + " " + epoch + "/" + maxEpochs)
                .setInitialMax(images)
                .setUnit(" img", 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new WriterConsumer(out))
                .build();
    }

    public void step(long images, double loss) {
        if (bar != null) {
            bar.stepBy(images);
            bar.setExtraMessage(String.format(" loss %.4f", loss));
        }
    }

    public void endBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter out;

        WriterConsumer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return 100;
        }

        @Override
        public void accept(String rendered) {
            out.print('\r');
            out.print(rendered);
            out.flush();
        }

        @Override
        public void close() {
            out.println();
            out.flush();
        }
    }
}

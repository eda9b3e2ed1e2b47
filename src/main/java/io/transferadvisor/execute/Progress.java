package io.transferadvisor.execute;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress, always on the writer the command gives it (stderr: stdout carries results
 * only). One bar per long step (a training phase, over all its epochs, so its ETA is for the
 * whole step, not one epoch) when a terminal is attached; otherwise plain log lines, and while a
 * step runs each line ends with the step's ETA (an upper bound: early stopping may end it sooner).
 */
public final class Progress {
    private final PrintWriter out;
    private final boolean interactive;
    private ProgressBar bar;
    private String step;
    private long total;
    private long done;
    private long doneAtStart;
    private long startNanos;

    public Progress(PrintWriter out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** The writer for a long step's own progress lines (no bar is up while it runs): for 1,000 images or more (a line per 1,000), else null. */
    public PrintWriter linesFor(int images) {
        return images >= 1000 ? out : null;
    }

    /** A line above the bar (the bar stays); a step's epoch lines ("train epoch 3/30 ...") end with the step's ETA. */
    public void log(String line) {
        String eta = step != null && line.startsWith(step + " epoch ") ? eta() : "";
        String text = eta.isEmpty() ? line : line + "  " + eta;
        if (bar != null) {
            out.print('\r');
            out.print(text);
            out.print(" ".repeat(Math.max(0, WriterConsumer.WIDTH - text.length())));
            out.println();
        } else {
            out.println(text);
        }
        out.flush();
    }

    /**
     * Epoch {@code epoch} of {@code maxEpochs} of a step over {@code images} images per epoch. The first
     * epoch of a step (or the first after a resume) starts its bar, covering every remaining epoch.
     */
    public void startEpoch(String phase, int epoch, int maxEpochs, long images) {
        if (phase.equals(step)) {
            return;
        }
        endStep();
        step = phase;
        total = (long) maxEpochs * images;
        done = (long) (epoch - 1) * images;
        doneAtStart = done;
        startNanos = System.nanoTime();
        if (!interactive) {
            return;
        }
        bar = new ProgressBarBuilder()
                .setTaskName(phase + " (" + maxEpochs + " epochs max)")
                .setInitialMax(total)
                .startsFrom(done, Duration.ZERO)
                .setUnit(" img", 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new WriterConsumer(out))
                .build();
    }

    public void step(long images, double loss) {
        done += images;
        if (bar != null) {
            bar.stepBy(images);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", loss));
        }
    }

    /** End of an epoch: the step's bar stays until the step ends. */
    public void endBar() {
        if (bar != null) {
            bar.refresh();
        }
    }

    /** The step is over (trained, stopped early or out of budget): its bar closes. */
    public void endStep() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        step = null;
    }

    /** "ETA <= 2m05s for train (12/30 epochs' worth of images left)" style text; empty outside a step or before any work. */
    String eta() {
        long work = done - doneAtStart;
        if (step == null || work <= 0 || total <= 0) {
            return "";
        }
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double left = secs / work * Math.max(0, total - done);
        return String.format(Locale.ROOT, "[%s %.0f%%, ETA <= %s]", step, 100.0 * done / total, duration(left));
    }

    static String duration(double seconds) {
        return io.transferadvisor.util.Durations.compact(seconds);
    }

    private static final class WriterConsumer implements ProgressBarConsumer {
        static final int WIDTH = 100;
        private final PrintWriter out;

        WriterConsumer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return WIDTH;
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

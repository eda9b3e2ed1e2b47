package io.transferadvisor.rules;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The wall-clock limit on one rule evaluation. The rules run on a daemon worker thread while the
 * caller waits; past the limit the caller halts the session, interrupts the worker and throws
 * {@link RulesException} (exit 5). A consequence that never returns keeps its daemon thread busy,
 * but cannot keep the JVM alive: the CLI exits with the error right away.
 */
final class RuleTimer {
    private RuleTimer() {}

    /** System property with the limit in seconds (default 10); e.g. ADVISOR_JAVA_OPTS=-Dadvisor.rules.timeoutSeconds=30. */
    static final String PROPERTY = "advisor.rules.timeoutSeconds";
    static final Duration DEFAULT = Duration.ofSeconds(10);

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Reused daemon workers: a thread hand-off per evaluation, not a thread start. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "advisor-rules-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** Runs work on one of the daemon workers (the sandbox check, while Drools starts). */
    static <T> Future<T> background(Callable<T> work) {
        return WORKERS.submit(work);
    }

    /** The limit from {@value #PROPERTY}, or the default. */
    static Duration configured() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds > 0) || seconds > 86_400) {
            throw new RulesException("-D" + PROPERTY + "=" + v + " is not a time limit; give seconds between 0 and 86400 (default "
                    + DEFAULT.toSeconds() + ")");
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    /**
     * Runs the work within the limit.
     *
     * @param halt      stops the engine (called from this thread on timeout)
     * @param lastRule  the id of the rule that fired last, for the message
     */
    static <T> T run(Callable<T> work, Duration limit, Runnable halt, Supplier<String> lastRule) {
        Future<T> f = WORKERS.submit(work);
        try {
            return f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            halt.run();
            f.cancel(true);
            throw new RulesTimeoutException("rules did not finish within " + seconds(limit) + " (last rule fired: " + lastRule.get()
                    + "); a consequence or condition does not terminate; fix that rule (or raise -D" + PROPERTY + ")");
        } catch (InterruptedException e) {
            halt.run();
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new RulesException("interrupted while the rules were running", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof OutOfMemoryError || cause instanceof StackOverflowError) {
                // e.g. "x".repeat(Integer.MAX_VALUE) in a rule: the rule base's fault, not the tool's
                throw new RulesException("a rule failed while running: " + RuleBase.oneLine(String.valueOf(cause))
                        + "; fix its consequence or condition", cause);
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new RulesException("a rule failed while running: " + RuleBase.oneLine(String.valueOf(cause)), cause);
        }
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}

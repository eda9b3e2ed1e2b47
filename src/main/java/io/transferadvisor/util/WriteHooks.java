package io.transferadvisor.util;

/**
 * Test-only fault-injection seam: every step of a write that matters for crash safety (a temp file
 * written but not yet renamed, a rename done, a checkpoint committed, a cache append half done)
 * calls {@link #point(String)}. In production no hook is installed and the call does nothing.
 *
 * <p>Tests install a {@link Hook} that counts the points and throws {@link SimulatedCrash} at the
 * N-th one, which leaves the files exactly as a process killed at that point would (no cleanup runs
 * for a SimulatedCrash: writers rethrow it without deleting their temporaries). This is the one
 * piece of static mutable state in the tool, kept on purpose so that crash points need not be
 * threaded through every writer; only tests call {@link #install}. Surefire runs test classes one
 * at a time in one JVM, so tests must {@link #clear()} in a finally block.
 */
public final class WriteHooks {
    private WriteHooks() {}

    /** Called at every crash point with a short description ("rename plan.yaml", "checkpoint state train"). */
    @FunctionalInterface
    public interface Hook {
        void at(String point);
    }

    /** A simulated kill at a crash point: nothing after it runs, no cleanup. */
    public static final class SimulatedCrash extends RuntimeException {
        public SimulatedCrash(String point) {
            super("simulated crash at " + point);
        }
    }

    private static volatile Hook hook;

    /** A crash point. */
    public static void point(String what) {
        Hook h = hook;
        if (h != null) {
            h.at(what);
        }
    }

    /** Test only: installs a hook (replacing any). */
    public static void install(Hook h) {
        hook = h;
    }

    /** Test only: removes the hook. */
    public static void clear() {
        hook = null;
    }

    /** True for a simulated crash anywhere in the cause chain (writers must not clean up after it). */
    public static boolean isCrash(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SimulatedCrash) {
                return true;
            }
        }
        return false;
    }
}

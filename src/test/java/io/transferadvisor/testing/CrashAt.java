package io.transferadvisor.testing;

import io.transferadvisor.util.WriteHooks;
import java.util.ArrayList;
import java.util.List;

/** A write hook that counts crash points and throws a simulated crash at the n-th (1-based); n = 0 only counts. */
public final class CrashAt implements WriteHooks.Hook {
    private final int n;
    private int seen;
    private final List<String> points = new ArrayList<>();

    public CrashAt(int n) {
        this.n = n;
    }

    @Override
    public synchronized void at(String point) {
        seen++;
        points.add(point);
        if (seen == n) {
            throw new WriteHooks.SimulatedCrash(point + " (#" + n + ")");
        }
    }

    public synchronized int seen() {
        return seen;
    }

    public synchronized List<String> points() {
        return List.copyOf(points);
    }

    /** Runs the action with this hook installed; always removes it. */
    public <T> T during(java.util.function.Supplier<T> action) {
        WriteHooks.install(this);
        try {
            return action.get();
        } finally {
            WriteHooks.clear();
        }
    }
}

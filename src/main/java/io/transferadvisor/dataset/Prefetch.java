package io.transferadvisor.dataset;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Decoding ahead of the network: one daemon thread per JVM decodes the next batch of images while
 * the caller's thread runs the network on the current one. Memory is one batch in use plus one
 * decoded ahead. Errors surface on the caller's thread, unchanged, when it reaches that batch.
 */
public final class Prefetch {
    private static final ExecutorService DECODER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "advisor-image-prefetch");
        t.setDaemon(true);
        return t;
    });

    private Prefetch() {}

    /** Runs the work on the decoding thread. */
    public static <T> Future<T> submit(Supplier<T> work) {
        return DECODER.submit(work::get);
    }

    /** The result of background work (submitted here, or the probe's layers); its runtime exceptions are rethrown as they were. */
    public static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for background work", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("background work failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * The images of the set in order, fitted to the geometry, in chunks of up to chunk images
     * (pixels[i] of a chunk is image start + i, checked against the geometry); the next chunk is decoded while the caller uses this one.
     */
    public static Iterator<Chunk> chunks(ImageSet set, InputGeometry geometry, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk " + chunk + " out of range; allowed >= 1");
        }
        return new Iterator<>() {
            private int next = 0;
            private Future<Chunk> ahead = schedule(0);

            private Future<Chunk> schedule(int start) {
                if (start >= set.size()) {
                    return null;
                }
                int end = Math.min(set.size(), start + chunk);
                return submit(() -> {
                    float[][] px = new float[end - start][];
                    for (int i = start; i < end; i++) {
                        px[i - start] = set.fittedPixels(i, geometry);
                    }
                    return new Chunk(start, px);
                });
            }

            @Override
            public boolean hasNext() {
                return ahead != null;
            }

            @Override
            public Chunk next() {
                if (ahead == null) {
                    throw new NoSuchElementException("all " + set.size() + " images were returned");
                }
                Chunk c = await(ahead);
                next = c.start() + c.pixels().length;
                ahead = schedule(next);
                return c;
            }
        };
    }

    /** Images start .. start + pixels.length - 1 of a set. */
    public record Chunk(int start, float[][] pixels) {}
}

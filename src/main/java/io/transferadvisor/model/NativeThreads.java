package io.transferadvisor.model;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Thread settings of the native stack, and oneDNN ({@link OneDnn}), applied once per JVM before the
 * first network is built or loaded.
 *
 * <p>On 2 cores, OpenBLAS's own threads compete with libnd4j's OpenMP threads over many small
 * GEMMs: with OpenBLAS at 1 thread and ND4J left at its 2, fmnist-cnn trained 1.50x faster
 * (530 vs 353 images/s; 1.64x and 1.58x in two other runs; docs/benchmarks/execute-profile.md).
 * OPENBLAS_NUM_THREADS does not reach it (ND4J still reported 2), so it is set from Java.
 * Set -Dadvisor.blasThreads=N to choose another count. `advisor pretrain` pins OpenBLAS at 2 threads instead (Pretrainer.BLAS_THREADS): the
 * committed fmnist-cnn was made, and is reproduced bit for bit, with the default BLAS threads.
 */
public final class NativeThreads {
    private NativeThreads() {}

    private static volatile boolean applied;

    /** Idempotent; cheap after the first call. */
    public static void apply() {
        if (applied) {
            return;
        }
        synchronized (NativeThreads.class) {
            if (!applied) {
                NativeBuild.select(false); // no effect when ND4J is already loaded
                int threads = Integer.getInteger("advisor.blasThreads", 1);
                if (threads > 0) {
                    Nd4j.factory().blas().setMaxThreads(threads);
                }
                String notice = OneDnn.apply();
                if (notice != null) {
                    System.err.println("advisor: " + notice); // once per JVM; the run continues on the plain path
                }
                applied = true;
            }
        }
    }

    /** The BLAS thread count in effect (for provenance and tests). */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }
}

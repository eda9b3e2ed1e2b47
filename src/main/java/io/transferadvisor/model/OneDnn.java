package io.transferadvisor.model;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * oneDNN layer helpers for DL4J 1.0.0-M2.1 on the CPU: convolution, batch norm, pooling and the
 * rest of the layer types the project uses run through libnd4j's oneDNN kernels instead of DL4J's
 * own im2col + GEMM. On 2 cores fmnist-cnn trained 2.9-3.4x faster (batch 64, `advisor bench profile`: docs/benchmarks/execute-profile.md).
 *
 * <p>M2.1 switches them off in two ways, both undone here: HelperUtils returns no helper unless the
 * system property {@value #DL4J_PROPERTY} is "false" (its default is "true"), and
 * BaseMKLDNNHelper reflects on a class M2.1 renamed (the shim {@code org.nd4j.nativeblas.Nd4jCpu}).
 * Both the generic linux-x86_64 natives and the -onednn-avx2 build contain oneDNN (libnd4j reports
 * isUseONEDNN() = true), but only the AVX2 build makes training fast: fmnist-cnn 225-265 images/s
 * with the helpers on the generic build, 627-684 on the AVX2 one ({@link NativeBuild} loads it).
 *
 * <p>The switch back: {@code -Dadvisor.onednn=false} or {@code ADVISOR_ONEDNN=0}. The property is read
 * when a layer is created, so {@link #apply()} must run before a network is built or loaded
 * ({@link NativeThreads#apply()} calls it; every {@code SourceModel.load()} calls that first).
 */
public final class OneDnn {
    private OneDnn() {}

    /** DL4J's own switch (DL4JSystemProperties.DISABLE_HELPER_PROPERTY). */
    public static final String DL4J_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    /** Whether the user asked for oneDNN (default yes): -Dadvisor.onednn, else $ADVISOR_ONEDNN. */
    public static boolean requested() {
        String v = System.getProperty("advisor.onednn");
        if (v == null) {
            v = System.getenv("ADVISOR_ONEDNN");
        }
        if (v == null) {
            return true;
        }
        v = v.trim().toLowerCase(Locale.ROOT);
        return !(v.equals("0") || v.equals("false") || v.equals("off") || v.equals("no"));
    }

    /** Whether libnd4j has oneDNN compiled in and switched on (false on a build or CPU without it). */
    public static boolean available() {
        try {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /**
     * Switches the layer helpers on (or off, when not requested or not available) for networks built
     * from now on. Returns a one-line notice when oneDNN was requested but cannot be used, else null.
     */
    public static String apply() {
        if (!NativeBuild.cpuBackend()) {
            set(false); // oneDNN is a CPU library; on CUDA, ND4J's own CUDA kernels run the layers
            return null;
        }
        boolean on = requested() && available();
        set(on);
        return requested() && !on ? "oneDNN is not available in this ND4J build or on this CPU; layers run on the plain path" : null;
    }

    /** Whether networks built now get oneDNN helpers. */
    public static boolean active() {
        return "false".equals(System.getProperty(DL4J_PROPERTY)) && Nd4j.getEnvironment().helpersAllowed();
    }

    /**
     * On: DL4J's helper property "false" and libnd4j's helper flag allowed (DL4J's oneDNN check reads
     * both). Off: the property back to DL4J's default "true", libnd4j's flag left as it is, so the
     * plain path is exactly what M2.1 runs out of the box.
     */
    static void set(boolean on) {
        System.setProperty(DL4J_PROPERTY, on ? "false" : "true");
        if (on) {
            Nd4j.getEnvironment().allowHelpers(true);
        }
    }

    /** Runs with the plain path (as the committed fmnist-cnn was made), then restores what was set. */
    public static <T> T plain(java.util.function.Supplier<T> work) {
        String before = System.getProperty(DL4J_PROPERTY);
        set(false);
        try {
            return work.get();
        } finally {
            if (before == null) {
                System.clearProperty(DL4J_PROPERTY);
            } else {
                System.setProperty(DL4J_PROPERTY, before);
            }
        }
    }
}

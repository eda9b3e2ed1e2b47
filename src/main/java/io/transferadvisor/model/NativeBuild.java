package io.transferadvisor.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which libnd4j build the JVM loads: the {@code linux-x86_64-onednn-avx2} natives when the CPU has
 * AVX2 and FMA, the generic {@code linux-x86_64} ones otherwise.
 *
 * <p>The generic build is compiled for any x86-64 CPU. On this project's 2-core machine fmnist-cnn
 * trained at 225-265 images/s on it and at 627-684 on the AVX2 build, same JVM settings, oneDNN
 * helpers on in both (docs/benchmarks/execute-torch.md has the side-by-side run). Both jars are on
 * the classpath (pom.xml); JavaCPP picks one from the system property
 * {@code org.bytedeco.javacpp.platform.extension} when ND4J first loads, and falls back to the
 * generic build when the chosen one is missing. So {@link #select} must run before the first ND4J
 * call of the JVM: {@code cli.Main}, {@code pipeline.Advisor} and {@link NativeThreads} call it, and
 * tests through a JUnit session listener.
 *
 * <p>Never chosen: when the user set the property (theirs wins), when oneDNN is switched off
 * ({@code ADVISOR_ONEDNN=0} or {@code -Dadvisor.onednn=false}: the plain path is the generic
 * natives without layer helpers, exactly what M2.1 runs out of the box), for {@code advisor
 * pretrain} (the committed models are reproduced bit for bit on the generic build), and on a CPU
 * without AVX2 or FMA (a one-line notice says so; the AVX2 library would die on its first
 * instruction there).
 */
public final class NativeBuild {
    private NativeBuild() {}

    /** JavaCPP's switch between builds of one native library. */
    public static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** The faster build's suffix. */
    public static final String AVX2 = "-onednn-avx2";
    /** A file only the AVX2 jar holds: without it on the classpath, selecting it is pointless. */
    static final String AVX2_MARKER = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn-avx2/libjnind4jcpu.so";

    private static volatile boolean selected;

    /**
     * Chooses the natives for this JVM, once. {@code generic} asks for the generic build (pretrain).
     * When the faster build was wanted but this CPU cannot run it, says so in one line on stderr.
     */
    public static synchronized void select(boolean generic) {
        if (selected) {
            return;
        }
        selected = true;
        Choice c = choose(System.getProperty(PROPERTY), generic, OneDnn.requested(), System.getProperty("os.name", ""),
                System.getProperty("os.arch", ""), NativeBuild.class.getClassLoader().getResource(AVX2_MARKER) != null,
                cpuFlags(Path.of("/proc/cpuinfo")));
        if (c.extension() != null) {
            System.setProperty(PROPERTY, c.extension());
        }
        if (c.notice() != null) {
            System.err.println("advisor: " + c.notice()); // once per JVM; the run goes on on the generic build
        }
    }

    /** What {@link #select} decides: the extension to set (null: leave as is) and any notice. */
    record Choice(String extension, String notice) {}

    static Choice choose(String userSet, boolean generic, boolean oneDnnRequested, String os, String arch, boolean avx2JarPresent,
                         String cpuFlags) {
        if (userSet != null || generic || !oneDnnRequested) {
            return new Choice(null, null);
        }
        if (!"linux".equals(os.toLowerCase(Locale.ROOT)) || !"amd64".equals(arch) || !avx2JarPresent) {
            return new Choice(null, null);
        }
        if (!cpuHas(cpuFlags, "avx2", "fma")) {
            return new Choice(null, "this CPU lacks AVX2 or FMA; ND4J runs its generic natives (about 2.7x slower training)");
        }
        return new Choice(AVX2, null);
    }

    /** The first "flags" line of a /proc/cpuinfo, or "" when it cannot be read. */
    static String cpuFlags(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.US_ASCII)) {
                if (line.startsWith("flags")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? "" : line.substring(colon + 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: treat as a CPU without the flags
        }
        return "";
    }

    /** Whether every flag appears as a whole word in {@code flags}. */
    static boolean cpuHas(String flags, String... wanted) {
        java.util.Set<String> have = java.util.Set.of(flags.trim().split("\\s+"));
        for (String w : wanted) {
            if (!have.contains(w)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The build ND4J actually loaded ("linux-x86_64-onednn-avx2" or "linux-x86_64"), read from
     * JavaCPP's table of loaded libraries; "unknown" before ND4J loaded or when it cannot tell.
     */
    public static String loaded() {
        try {
            for (String path : org.bytedeco.javacpp.Loader.getLoadedLibraries().values()) {
                if (path != null && path.contains("nd4jcpu")) {
                    return path.contains("onednn-avx2") ? "linux-x86_64-onednn-avx2" : "linux-x86_64";
                }
            }
        } catch (LinkageError | RuntimeException e) {
            // JavaCPP missing or changed: say so rather than guess
        }
        return "unknown";
    }

    /**
     * The numeric path networks run on now: "avx2" or "generic" libnd4j, then "onednn" or "plain"
     * layers. Features computed on two paths differ in their last bits, so the feature cache keys by it.
     */
    public static String numerics() {
        if (!cpuBackend()) {
            return "cuda"; // the -Pcuda build (pom.xml): cuDNN and cuBLAS, their own numerics
        }
        return (loaded().contains("avx2") ? "avx2" : "generic") + (OneDnn.active() ? "-onednn" : "-plain");
    }

    /** Whether ND4J runs on the CPU backend (false for the -Pcuda build on a machine with a GPU). */
    public static boolean cpuBackend() {
        return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getName().contains(".cpu.");
    }
}

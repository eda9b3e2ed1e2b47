package io.transferadvisor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class NativeBuildTest {
    private static final String FLAGS = "fpu vme sse sse2 avx fma avx2 avx512f";

    @Test
    void choosesTheAvx2BuildOnlyWhereItCanRun() {
        assertEquals(NativeBuild.AVX2, NativeBuild.choose(null, false, true, "Linux", "amd64", true, FLAGS).extension());
        // the user's own setting wins, pretrain keeps the generic build, ADVISOR_ONEDNN=0 is the whole plain path
        assertNull(NativeBuild.choose("", false, true, "Linux", "amd64", true, FLAGS).extension());
        assertNull(NativeBuild.choose(null, true, true, "Linux", "amd64", true, FLAGS).extension());
        assertNull(NativeBuild.choose(null, false, false, "Linux", "amd64", true, FLAGS).extension());
        // other platforms and a build without the jar
        assertNull(NativeBuild.choose(null, false, true, "Mac OS X", "aarch64", true, FLAGS).extension());
        assertNull(NativeBuild.choose(null, false, true, "Linux", "amd64", false, FLAGS).extension());
        // a CPU without AVX2 (avx512f is not avx2) or without FMA: generic build, one-line notice
        NativeBuild.Choice old = NativeBuild.choose(null, false, true, "Linux", "amd64", true, "fpu sse2 avx fma avx512f");
        assertNull(old.extension());
        assertTrue(old.notice().contains("lacks AVX2 or FMA"), old.notice());
        assertFalse(old.notice().contains("\n"));
        assertNull(NativeBuild.choose(null, false, true, "Linux", "amd64", true, "avx avx2").extension());
    }

    @Test
    void readsTheFlagsLineOfCpuinfo(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nmodel name\t: X\nflags\t\t: fpu avx2 fma\nbugs\t: none\nflags\t: other\n");
        assertEquals(" fpu avx2 fma", NativeBuild.cpuFlags(f));
        assertTrue(NativeBuild.cpuHas(NativeBuild.cpuFlags(f), "avx2", "fma"));
        assertEquals("", NativeBuild.cpuFlags(dir.resolve("missing")));
        assertFalse(NativeBuild.cpuHas("", "avx2"));
    }

    /** The session listener chose before any test touched ND4J: this JVM runs the build the tool runs. */
    @Test
    void testsRunTheBuildTheToolRuns() {
        Nd4j.create(2); // ND4J loaded
        boolean avx2 = NativeBuild.cpuHas(NativeBuild.cpuFlags(Path.of("/proc/cpuinfo")), "avx2", "fma")
                && OneDnn.requested() && System.getProperty("os.arch", "").equals("amd64");
        assertEquals(avx2 ? "linux-x86_64-onednn-avx2" : "linux-x86_64", NativeBuild.loaded());
    }

    /** Features from two numeric paths differ in their last bits: the cache keeps them apart. */
    @Test
    void theFeatureCacheKeysByTheNumericPath() {
        SourceModel fmnist = ModelRegistry.resolve(new io.transferadvisor.dataset.DatasetSpec.ModelRef("fmnist-cnn", null, null));
        String now = io.transferadvisor.features.FeatureCache.modelId(fmnist);
        assertTrue(now.startsWith(fmnist.profile().sha256() + "-"), now);
        assertTrue(now.endsWith(NativeBuild.numerics()), now);
        if (OneDnn.active()) {
            String plain = OneDnn.plain(() -> io.transferadvisor.features.FeatureCache.modelId(fmnist));
            assertTrue(plain.endsWith("-plain"), plain);
            assertFalse(plain.equals(now));
        }
    }
}

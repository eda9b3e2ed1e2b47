package io.transferadvisor.testing;

import io.transferadvisor.model.NativeBuild;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Tests load the same libnd4j build as the tool (NativeBuild): chosen when the JUnit session opens,
 * before any test class can touch ND4J. Registered in META-INF/services.
 */
public final class NativeBuildSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBuild.select(false);
    }
}

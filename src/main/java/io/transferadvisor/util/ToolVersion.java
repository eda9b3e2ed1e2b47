package io.transferadvisor.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The tool's version, from the Maven-filtered resource transfer-advisor.version (the pom's project.version). */
public final class ToolVersion {
    private ToolVersion() {}

    private static final String VERSION = read();

    public static String version() {
        return VERSION;
    }

    /** "transfer-advisor 0.1.0": how audits, metrics and --version name the tool. */
    public static String tool() {
        return "transfer-advisor " + VERSION;
    }

    private static String read() {
        try (InputStream in = ToolVersion.class.getResourceAsStream("/transfer-advisor.version")) {
            if (in == null) {
                throw new IllegalStateException("transfer-advisor.version missing from the classpath; rebuild with 'mvn package'");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            if (v.isEmpty() || v.contains("${")) {
                throw new IllegalStateException("transfer-advisor.version is not filtered ('" + v + "'); rebuild with 'mvn package'");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read transfer-advisor.version", e);
        }
    }
}

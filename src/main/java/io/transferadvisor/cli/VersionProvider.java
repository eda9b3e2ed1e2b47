package io.transferadvisor.cli;

import picocli.CommandLine;

/** The tool's version from the pom (a Maven-filtered resource, see ToolVersion), plus the stack's versions. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            io.transferadvisor.util.ToolVersion.tool(),
            "DL4J 1.0.0-M2.1, Drools 10.2.0, Java " + System.getProperty("java.version"),
        };
    }
}

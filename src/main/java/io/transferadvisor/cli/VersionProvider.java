package io.transferadvisor.cli;

import picocli.CommandLine;

/** Version from the jar manifest (or "dev" when run from classes), plus the stack's versions. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "transfer-advisor " + (v == null ? "0.1.0-dev" : v),
            "DL4J 1.0.0-M2.1, Drools 10.2.0, Java " + System.getProperty("java.version"),
        };
    }
}

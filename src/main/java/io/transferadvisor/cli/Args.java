package io.transferadvisor.cli;

import picocli.CommandLine;

/**
 * Range checks of option values that picocli cannot express, made before a command does any
 * work (a benchmark or a training must not start and then fail on a value it could have
 * refused at once). A failure is a usage error: exit 2 with picocli's "Try --help" line.
 */
final class Args {
    private Args() {}

    static void range(CommandLine.Model.CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + value + " out of range; allowed " + min + ".." + max);
        }
    }

    /** A JVM heap size for a benchmark's child JVMs (-Xmx): digits and an optional unit, e.g. 2g or 1536m. */
    static void heapSize(CommandLine.Model.CommandSpec spec, String heap) {
        if (!heap.matches("[0-9]+[kKmMgG]?")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--heap '" + heap + "' is not a JVM heap size; e.g. 2g or 1536m");
        }
    }

    /** The jar this command runs from, or null when it runs from classes (a benchmark's child JVMs run the same jar). */
    static java.nio.file.Path runningJar() throws java.net.URISyntaxException {
        java.nio.file.Path self = java.nio.file.Path.of(Args.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return java.nio.file.Files.isRegularFile(self) && self.toString().endsWith(".jar") ? self : null;
    }

    /**
     * The jar a benchmark's child JVMs run: the one this command runs from (a copy elsewhere keeps a rebuild from changing
     * the benchmark), else the built one; a usage error when there is none.
     */
    static java.nio.file.Path benchJar(CommandLine.Model.CommandSpec spec) throws java.net.URISyntaxException {
        java.nio.file.Path self = runningJar();
        java.nio.file.Path jar = self != null ? self : io.transferadvisor.util.Home.dir().resolve("target/transfer-advisor.jar");
        if (!java.nio.file.Files.isRegularFile(jar)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no built jar at " + jar + "; build it first ('./advisor --version')");
        }
        return jar;
    }

    static void positive(CommandLine.Model.CommandSpec spec, String option, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + value + " out of range; allowed a number > 0");
        }
    }
}

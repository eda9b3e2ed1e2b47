package io.transferadvisor.cli;

import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.PlanFiles;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.rules.RuleCheck;
import io.transferadvisor.rules.SyntheticProfiles;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.OutputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench rules`: wall time of `advisor recommend --profile` (JVM included) and of a warm rule evaluation. */
@Command(name = "rules",
        mixinStandardHelpOptions = true,
        description = {
            "Time the rule base: `advisor recommend DATASET --profile PROFILE` run as a subprocess through the launcher "
                + "(JVM start, rule compilation, counterfactual search and file writes included), the cold rule compilation, "
                + "a warm decision (all rules once per model + model selection) and a warm full recommendation "
                + "(with counterfactuals and audit), over many iterations; and `rules check`.",
            "Targets: recommend under 3 s, warm evaluation under 50 ms. Writes a markdown table with the command that produced it."},
        footer = {"", "Examples:", "  advisor bench rules", "  advisor bench rules --runs 10 --iterations 5000"})
public final class BenchRulesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", defaultValue = "5", description = "Subprocess runs of the launcher (default: ${DEFAULT-VALUE}; 0 skips them).")
    int runs;

    @Option(names = "--iterations", defaultValue = "2000", description = "Warm decisions to time (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--dataset", defaultValue = "examples/default.yaml", description = "Dataset for the subprocess runs (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--profile", defaultValue = "src/test/resources/rules/fmnist-default.profile.json",
            description = "Saved profile (default: ${DEFAULT-VALUE}, measured by the probe on examples/default.yaml).")
    String profile;

    @Option(names = "--launcher", description = "Launcher to run (default: ADVISOR_HOME/advisor).")
    Path launcher;

    @Option(names = {"-o", "--output"}, defaultValue = "docs/benchmarks/rules.md", description = "Table to write (default: ${DEFAULT-VALUE}, under the installation).")
    Path output;

    @Override
    public Integer call() throws Exception {
        Args.range(spec, "--runs", runs, 0, 10_000);
        Args.range(spec, "--iterations", iterations, 1, 100_000_000);
        PrintWriter out = spec.commandLine().getOut();
        Path home = Home.dir();
        Path profilePath = home.resolve(profile);
        Path datasetPath = home.resolve(dataset);
        DatasetProfile p = PlanFiles.readProfile(profilePath);
        List<String> rows = new ArrayList<>();

        long t0 = System.nanoTime();
        RuleBase base = RuleBase.load(Home.rules());
        double compileMs = (System.nanoTime() - t0) / 1e6;
        rows.add(row("compile rules/ (cold, in this JVM)", 1, compileMs, compileMs, compileMs, "-"));

        Recommender rec = new Recommender(base);
        Recommender.Request req = new Recommender.Request("d.yaml", 10, 0, 42, null, null);
        List<DatasetProfile> one = List.of(p);
        for (int i = 0; i < Math.min(200, iterations); i++) {
            rec.decide(one, req); // JIT warm-up
        }
        double[] decide = time(iterations, () -> rec.decide(one, req));
        rows.add(row("warm decision: rules once + model selection (1 model)", iterations, pct(decide, 50), pct(decide, 95), max(decide), "< 50 ms"));
        List<DatasetProfile> three = List.of(p, rename(p, "copy-b"), rename(p, "copy-c"));
        int n3 = Math.max(1, iterations / 4);
        double[] decide3 = time(n3, () -> rec.decide(three, req));
        rows.add(row("warm decision, 3 models", n3, pct(decide3, 50), pct(decide3, 95), max(decide3), "< 50 ms"));
        int nFull = Math.max(1, iterations / 20);
        double[] full = time(nFull, () -> rec.recommend(one, req));
        rows.add(row("warm full recommendation (+ counterfactual search, audit)", nFull, pct(full, 50), pct(full, 95), max(full), "-"));
        t0 = System.nanoTime();
        var check = RuleCheck.run(base, SyntheticProfiles.GENERIC_LAYERS, 400_000);
        double checkMs = (System.nanoTime() - t0) / 1e6;
        rows.add(row("rules check grid (" + check.points() + " points)", 1, checkMs, checkMs, checkMs, "-"));

        String command = "advisor bench rules --runs " + runs + " --iterations " + iterations + (launcher != null ? " --launcher " + launcher : "");
        if (runs > 0) {
            Path exe = launcher != null ? launcher : home.resolve("advisor");
            Path tmp = Files.createTempDirectory("advisor-bench-rules");
            try {
                List<String> cmd = List.of(exe.toString(), "recommend", datasetPath.toString(), "--profile", profilePath.toString(),
                        "-o", tmp.resolve("plan.yaml").toString(), "--force", "--quiet");
                runOnce(cmd, tmp, null); // warm-up: the launcher may build first; not timed
                double[] wall = launcherRuns(cmd, tmp, null, out);
                rows.add(0, row("`" + (launcher != null ? launcher.toString() : "./advisor") + " recommend " + dataset + " --profile ...` (subprocess, JVM start included)", runs,
                        pct(wall, 50), pct(wall, 95), max(wall), "< 3000 ms"));
                double[] c1 = launcherRuns(cmd, tmp, C1_OPTS, out);
                rows.add(1, row("the same with ADVISOR_JAVA_OPTS=\"" + C1_OPTS + "\"", runs,
                        pct(c1, 50), pct(c1, 95), max(c1), "< 3000 ms"));
            } finally {
                try (var s = Files.walk(tmp)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
        String md = markdown(command, rows);
        Path target = output.isAbsolute() ? output : home.resolve(output);
        AtomicFiles.writeString(target, md);
        out.print(md);
        out.println("wrote " + target);
        out.flush();
        return ExitCodes.OK;
    }

    /** JVM flags for short-lived commands: C1 only, serial GC (no C2 / GC threads competing for 2 cores). */
    static final String C1_OPTS = "-Xmx4g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** Times {@code runs} launcher runs, repeating those where the launcher rebuilt the tool first. */
    private double[] launcherRuns(List<String> cmd, Path tmp, String javaOpts, PrintWriter out) throws IOException, InterruptedException {
        double[] wall = new double[runs];
        int rebuilds = 0;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            boolean rebuilt = runOnce(cmd, tmp, javaOpts);
            wall[i] = (System.nanoTime() - s) / 1e6;
            if (rebuilt && rebuilds < runs) {
                // the sources changed under us and the launcher rebuilt: not a recommend timing
                rebuilds++;
                out.printf(Locale.ROOT, "run %d: launcher rebuilt (%.0f ms), repeated%n", i + 1, wall[i]);
                i--;
                continue;
            }
            out.printf(Locale.ROOT, "run %d%s: %.0f ms%n", i + 1, javaOpts == null ? "" : " (" + javaOpts + ")", wall[i]);
        }
        return wall;
    }

    /** Runs the launcher once; true when it rebuilt the tool first (then the time is not a recommend time). */
    private static boolean runOnce(List<String> cmd, Path dir, String javaOpts) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        if (javaOpts != null) {
            pb.environment().put("ADVISOR_JAVA_OPTS", javaOpts);
        }
        Process proc = pb.start();
        if (!proc.waitFor(10, TimeUnit.MINUTES)) {
            proc.destroyForcibly();
            throw new OutputException("'" + String.join(" ", cmd) + "' did not finish in 10 minutes");
        }
        if (proc.exitValue() != 0) {
            throw new OutputException("'" + String.join(" ", cmd) + "' exited " + proc.exitValue() + ": "
                    + Files.readString(dir.resolve("out.txt")).strip().lines().reduce((a, b) -> b).orElse(""));
        }
        return Files.readString(dir.resolve("out.txt")).contains("advisor: building");
    }

    static DatasetProfile rename(DatasetProfile p, String model) {
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), model, p.size(), p.layers(), p.similarity(),
                p.sourceView(), p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
    }

    private static double[] time(int n, Runnable r) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        return ms;
    }

    static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, i))];
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    private static String row(String what, int n, double p50, double p95, double max, String target) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |", what, n, ms(p50), ms(p95), ms(max), target);
    }

    private static String ms(double v) {
        return v < 10 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String markdown(String command, List<String> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmark: rules\n\n");
        sb.append("Produced by `").append(command).append("` on ").append(LocalDate.now(java.time.ZoneId.systemDefault())).append(".\n\n");
        sb.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (nproc), Java ")
                .append(System.getProperty("java.vendor")).append(' ').append(System.getProperty("java.version")).append(", ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append("; load average at the end: ").append(loadAverage())
                .append(" (other work on the machine inflates the cold numbers).\n\n");
        sb.append("Times in milliseconds (p50 / p95 / max over n).\n\n");
        sb.append("| what | n | p50 ms | p95 ms | max ms | target |\n|---|---|---|---|---|---|\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }
}

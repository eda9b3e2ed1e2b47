package io.transferadvisor.bench;


import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.PlanFiles;
import io.transferadvisor.rules.Recommender;
import io.transferadvisor.rules.RuleBase;
import io.transferadvisor.rules.RuleCheck;
import io.transferadvisor.rules.SyntheticProfiles;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.OutputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** `advisor bench rules`: wall time of `advisor recommend --profile` (JVM included) and of a warm rule evaluation. */
public final class RulesBench {
    private RulesBench() {}

    /**
     * @param runs       subprocess runs of the launcher (0 skips them)
     * @param iterations warm decisions to time
     * @param dataset    dataset for the subprocess runs, relative to the installation
     * @param profile    saved profile, relative to the installation
     * @param launcher   launcher to run (null: the installation's advisor)
     */
    public record Options(int runs, int iterations, String dataset, String profile, Path launcher) {}

    /** Runs the benchmark and returns the Markdown table; one line per launcher run goes to {@code out}. */
    public static String run(Options o, PrintWriter out) throws Exception {
        Path home = Home.dir();
        Path profilePath = home.resolve(o.profile());
        Path datasetPath = home.resolve(o.dataset());
        DatasetProfile p = PlanFiles.readProfile(profilePath);
        List<String> rows = new ArrayList<>();

        long t0 = System.nanoTime();
        RuleBase base = RuleBase.load(Home.rules());
        double compileMs = (System.nanoTime() - t0) / 1e6;
        rows.add(row("compile rules/ (cold, in this JVM)", 1, compileMs, compileMs, compileMs, "-"));

        Recommender rec = new Recommender(base);
        Recommender.Request req = new Recommender.Request("d.yaml", 10, 0, 42, null, null);
        List<DatasetProfile> one = List.of(p);
        for (int i = 0; i < Math.min(200, o.iterations()); i++) {
            rec.decide(one, req); // JIT warm-up
        }
        double[] decide = time(o.iterations(), () -> rec.decide(one, req));
        rows.add(row("warm decision: rules once + model selection (1 model)", o.iterations(), pct(decide, 50), pct(decide, 95), max(decide), "< 50 ms"));
        List<DatasetProfile> three = List.of(p, rename(p, "copy-b"), rename(p, "copy-c"));
        int n3 = Math.max(1, o.iterations() / 4);
        double[] decide3 = time(n3, () -> rec.decide(three, req));
        rows.add(row("warm decision, 3 models", n3, pct(decide3, 50), pct(decide3, 95), max(decide3), "< 50 ms"));
        int nFull = Math.max(1, o.iterations() / 20);
        double[] full = time(nFull, () -> rec.recommend(one, req));
        rows.add(row("warm full recommendation (+ counterfactual search, audit)", nFull, pct(full, 50), pct(full, 95), max(full), "-"));
        t0 = System.nanoTime();
        var check = RuleCheck.run(base, SyntheticProfiles.GENERIC_LAYERS, 400_000);
        double checkMs = (System.nanoTime() - t0) / 1e6;
        rows.add(row("rules check grid (" + check.points() + " points)", 1, checkMs, checkMs, checkMs, "-"));

        String command = "advisor bench rules --runs " + o.runs() + " --iterations " + o.iterations() + (o.launcher() != null ? " --launcher " + o.launcher() : "");
        if (o.runs() > 0) {
            Path exe = o.launcher() != null ? o.launcher() : home.resolve("advisor");
            Path tmp = Files.createTempDirectory("advisor-bench-rules");
            try {
                List<String> cmd = List.of(exe.toString(), "recommend", datasetPath.toString(), "--profile", profilePath.toString(),
                        "-o", tmp.resolve("plan.yaml").toString(), "--force", "--quiet");
                runOnce(cmd, tmp, null); // warm-up: the launcher may build first; not timed
                double[] wall = launcherRuns(o.runs(), cmd, tmp, null, out);
                rows.add(0, row("`" + (o.launcher() != null ? o.launcher().toString() : "./advisor") + " recommend " + o.dataset() + " --profile ...` (subprocess, JVM start included)", o.runs(),
                        pct(wall, 50), pct(wall, 95), max(wall), "< 3000 ms"));
                double[] c1 = launcherRuns(o.runs(), cmd, tmp, C1_OPTS, out);
                rows.add(1, row("the same with ADVISOR_JAVA_OPTS=\"" + C1_OPTS + "\"", o.runs(),
                        pct(c1, 50), pct(c1, 95), max(c1), "< 3000 ms"));
            } finally {
                io.transferadvisor.util.Trees.deleteTree(tmp);
            }
        }
        return markdown(command, rows);
    }

    /** JVM flags for short-lived commands: C1 only, serial GC (no C2 / GC threads competing for 2 cores). */
    static final String C1_OPTS = "-Xmx4g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** Times {@code runs} launcher runs, repeating those where the launcher rebuilt the tool first. */
    private static double[] launcherRuns(int runs, List<String> cmd, Path tmp, String javaOpts, PrintWriter out) throws IOException, InterruptedException {
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
        StringBuilder sb = new StringBuilder(BenchReport.header("rules", command, System.getProperty("java.vendor") + "; load average at the end: "
                + loadAverage() + " (other work on the machine inflates the cold numbers)"));
        sb.append("Times in milliseconds (p50 / p95 / max over n).\n\n");
        sb.append("| what | n | p50 ms | p95 ms | max ms | target |\n|---|---|---|---|---|---|\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }
}

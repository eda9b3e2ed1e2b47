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
import java.util.Map;
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
     * @param second     a second model's saved profile of the same dataset (the two-model rows; null: none)
     * @param launcher   launcher to run (null: the installation's advisor)
     */
    public record Options(int runs, int iterations, String dataset, String profile, String second, Path launcher) {}

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

        String command = "advisor bench rules --runs " + o.runs() + " --iterations " + o.iterations() + (o.launcher() != null ? " --launcher " + o.launcher() : "")
                + (o.second() == null ? " --second-profile none" : "");
        if (o.runs() > 0) {
            Path exe = o.launcher() != null ? o.launcher() : home.resolve("advisor");
            Path tmp = Files.createTempDirectory("advisor-bench-rules");
            try {
                String shown = o.launcher() != null ? o.launcher().toString() : "./advisor";
                List<String> single = List.of(exe.toString(), "recommend", datasetPath.toString(), "--profile", profilePath.toString(),
                        "-o", tmp.resolve("plan.yaml").toString(), "--force", "--quiet");
                // the configurations take turns, run by run, so a change in the machine's load falls on all of them alike
                List<String> labels = new ArrayList<>(List.of("`" + shown + " recommend " + o.dataset() + " --profile ...` (subprocess, JVM start included)"));
                List<List<String>> cmds = new ArrayList<>(List.of(single));
                List<Map<String, String>> envs = new ArrayList<>(List.of(Map.of()));
                if (o.second() != null) {
                    DatasetProfile q = PlanFiles.readProfile(home.resolve(o.second()));
                    List<String> two = List.of(exe.toString(), "recommend", datasetPath.toString(), "--models", p.model() + "," + q.model(),
                            "--profile", profilePath.toString(), "--profile", home.resolve(o.second()).toString(),
                            "-o", tmp.resolve("plan.yaml").toString(), "--force", "--quiet");
                    labels.add("the same with two models (`--models " + p.model() + "," + q.model() + "`, two saved profiles)");
                    cmds.add(two);
                    envs.add(Map.of());
                    labels.add("two models, class-data archive off (`ADVISOR_CDS=0`: the launcher before it)");
                    cmds.add(two);
                    envs.add(Map.of("ADVISOR_CDS", "0"));
                    labels.add("two models, the rule base compiled every run (`ADVISOR_RULES_CACHE=0`: the tool before it)");
                    cmds.add(two);
                    envs.add(Map.of("ADVISOR_RULES_CACHE", "0"));
                }
                for (int c = 0; c < cmds.size(); c++) {
                    runOnce(cmds.get(c), tmp, envs.get(c)); // warm-up: the launcher may build, and writes its class-data archive; not timed
                }
                double[][] wall = new double[cmds.size()][o.runs()];
                for (int i = 0; i < o.runs(); i++) {
                    for (int c = 0; c < cmds.size(); c++) {
                        wall[c][i] = timedRun(cmds.get(c), tmp, envs.get(c));
                        out.printf(Locale.ROOT, "run %d, %s: %.0f ms%n", i + 1, labels.get(c), wall[c][i]);
                    }
                }
                for (int c = 0; c < cmds.size(); c++) {
                    rows.add(c, row(labels.get(c), o.runs(), pct(wall[c], 50), pct(wall[c], 95), max(wall[c]), "< 3000 ms"));
                }
                if (cmds.size() == 4) {
                    rows.add(4, String.format(Locale.ROOT, "| two models: archive on / off, p50 ratio | %d | %.2f | | | - |", o.runs(),
                            pct(wall[1], 50) / pct(wall[2], 50)));
                    rows.add(5, String.format(Locale.ROOT, "| two models: rule base read back / compiled, p50 ratio | %d | %.2f | | | - |", o.runs(),
                            pct(wall[1], 50) / pct(wall[3], 50)));
                }
            } finally {
                io.transferadvisor.util.Trees.deleteTree(tmp);
            }
        }
        return markdown(command, rows);
    }

    /** One timed launcher run; a run where the launcher rebuilt the tool first is repeated (that is not a recommend time). */
    private static double timedRun(List<String> cmd, Path tmp, Map<String, String> env) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            long s = System.nanoTime();
            boolean rebuilt = runOnce(cmd, tmp, env);
            double ms = (System.nanoTime() - s) / 1e6;
            if (!rebuilt || attempt > 0) {
                return ms;
            }
        }
    }

    /** Runs the launcher once; true when it rebuilt the tool first (then the time is not a recommend time). */
    private static boolean runOnce(List<String> cmd, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().remove("ADVISOR_JAVA_OPTS");
        pb.environment().remove("ADVISOR_CDS");
        pb.environment().remove("ADVISOR_RULES_CACHE");
        pb.environment().putAll(env);
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

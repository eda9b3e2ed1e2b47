package io.transferadvisor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.util.Json;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Issue 14's memory target, measured as a user would meet it: a folder of N generated 224x224 RGB
 * JPEGs (four shape classes), then {@code advisor profile} and {@code advisor run --strategy
 * LINEAR_FROZEN} on zoo SqueezeNet with random weights, each in its own JVM under a given heap
 * (-Xmx, nothing else: ND4J's off-heap limit then defaults to the heap size and its physical limit
 * to twice it), with the child's peak resident memory read from /proc (VmHWM) and each stage's
 * images per second from the profile and the run's metrics. The folder and a cold feature cache
 * live under --dir; the folder is generated once and reused.
 */
public final class StreamBench {
    private StreamBench() {}

    public record Options(Path dir, int images, String heap, Path jar, String command) {}

    public record Result(String markdown, String fileName) {}

    static final List<String> CLASSES = List.of("disc", "square", "triangle", "bar");

    /** Marks a --dir as this benchmark's own: only such a folder's cache, run and profile are ever deleted. */
    static final String MARKER = ".advisor-bench-stream";

    /** A benchmark's folder: made by this benchmark (its marker), or new or empty; anything else is refused, since the benchmark deletes there. */
    static void claim(Path dir, String marker, String who) throws IOException {
        Files.createDirectories(dir);
        if (!Files.exists(dir.resolve(marker))) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new io.transferadvisor.UsageException("--dir " + dir + " is not empty and was not made by '" + who + "' (no "
                            + marker + "); give a new or empty folder: the benchmark deletes its cache and run there");
                }
            }
            Files.writeString(dir.resolve(marker), "made by " + who + "\n", StandardCharsets.UTF_8);
        }
    }

    /** dir/images: n generated 224x224 JPEGs (once), and dir/dataset.yaml over them on zoo SqueezeNet with random weights. */
    static Path images(Path dir, int n, java.io.PrintWriter log) throws IOException {
        Path data = dir.resolve("images");
        Path yaml = dir.resolve("dataset.yaml");
        Path done = dir.resolve(".generated-" + n);
        if (!Files.exists(done)) {
            log.println("generating " + n + " 224x224 RGB JPEGs under " + data);
            log.flush();
            generate(data, n, 42);
            Files.writeString(done, "");
        }
        Files.writeString(yaml, "version: 1\nname: stream-" + n + "\ntrain: {format: folder, path: images}\n"
                + "split: {test: 0.1, validation: 0.1}\nmodel: {name: zoo:squeezenet, weights: random}\nseed: 42\n"
                + "budget: {minutes: 120, max_epochs: 10}\n", StandardCharsets.UTF_8);
        return yaml;
    }

    public static Result run(Options o, java.io.PrintWriter log) throws IOException, InterruptedException {
        claim(o.dir(), MARKER, "advisor bench stream");
        long tg = System.nanoTime();
        boolean generatedBefore = Files.exists(o.dir().resolve(".generated-" + o.images()));
        Path yaml = images(o.dir(), o.images(), log);
        double genSeconds = (System.nanoTime() - tg) / 1e9;
        Path cache = o.dir().resolve("cache");
        deleteTree(cache);
        deleteTree(o.dir().resolve("run"));
        Files.deleteIfExists(o.dir().resolve("profile.json"));

        Child profile = child(o.jar(), o.heap(), List.of(), o.dir(), "profile", log, "profile", yaml.toString(), "--cache", cache.toString(), "-o", o.dir().resolve("profile.json").toString());
        // the frozen-feature plan at the layer the profile's linear probe liked best (random weights: the rules may choose no cut at all)
        String best = null;
        double bestAcc = -1;
        for (JsonNode l : Json.json().readTree(o.dir().resolve("profile.json").toFile()).path("layers")) {
            double a = l.path("probeAccuracy").path("value").asDouble(-1);
            if (a > bestAcc) {
                bestAcc = a;
                best = l.path("layer").asText();
            }
        }
        Child run = child(o.jar(), o.heap(), List.of(), o.dir(), "run", log, "run", yaml.toString(), "--strategy", "LINEAR_FROZEN", "--cutoff", best, "--cache", cache.toString(), "-o",
                o.dir().resolve("run").toString(), "--checkpoint-every", "600");
        JsonNode prof = Json.json().readTree(o.dir().resolve("profile.json").toFile());
        JsonNode metrics = Json.json().readTree(o.dir().resolve("run/metrics.json").toFile());

        StringBuilder md = new StringBuilder(BenchReport.header("streaming " + o.images() + " images at 224x224 (issue 14)", o.command(),
                "each command in its own JVM with only -Xmx" + o.heap() + " (ND4J off-heap limit defaults to the heap, physical to twice it), "
                        + "OMP_NUM_THREADS=2, nothing else running; " + (generatedBefore ? "images generated by an earlier run"
                        : "images generated in " + String.format(Locale.ROOT, "%.0f", genSeconds) + " s")));
        md.append("Target: both commands succeed under -Xmx2g with peak resident memory under 4 GB (4,096 MB). The run is LINEAR_FROZEN at "
                + best + ", the layer with the profile's best linear probe.\n\n");
        md.append("| command | exit | wall (s) | peak RSS (MB) |\n|---|---:|---:|---:|\n");
        for (Child c : List.of(profile, run)) {
            md.append(String.format(Locale.ROOT, "| advisor %s | %d | %.1f | %,d |%n", c.name(), c.exit(), c.seconds(), c.peakKb() / 1024));
        }
        JsonNode fw = prof.path("sampling").path("features");
        int sampled = prof.path("sampling").path("sampledImages").asInt();
        double fsec = fw.path("seconds").asDouble();
        double fwd = fw.path("forwardSeconds").asDouble();
        double wait = fw.path("decodeWaitSeconds").asDouble();
        md.append("\nStages (images per second):\n\n| stage | images | seconds | images/s | note |\n|---|---:|---:|---:|---|\n");
        md.append(String.format(Locale.ROOT, "| profile: features (decode, hash, forward, cache) | %d | %.1f | %.1f | network %.1f s; waiting for decoding %.1f s (%.1f%% of the step) |%n",
                sampled, fsec, sampled / Math.max(1e-9, fsec), fwd, wait, 100 * wait / Math.max(1e-9, fsec)));
        md.append(String.format(Locale.ROOT, "| profile: whole probe | %d | %.1f | %.1f | LogME, linear probes, bootstrap included |%n",
                sampled, prof.path("sampling").path("seconds").asDouble(), sampled / Math.max(1e-9, prof.path("sampling").path("seconds").asDouble())));
        JsonNode phases = metrics.path("phases");
        JsonNode cacheUse = metrics.path("cache");
        int computed = cacheUse.path("computed").asInt();
        int reused = cacheUse.path("reused").asInt();
        int evalImages = metrics.path("validation").path("images").asInt() + metrics.path("test").path("images").asInt();
        double feat = phases.path("features").asDouble();
        md.append(String.format(Locale.ROOT, "| run: frozen features (train + validation) | %d | %.1f | %.1f | %d computed, %d from the profile's cache; network %.1f s |%n",
                computed + reused, feat, (computed + reused) / Math.max(1e-9, feat), computed, reused, cacheUse.path("forwardSeconds").asDouble()));
        md.append(String.format(Locale.ROOT, "| run: linear head training | %d | %.1f | %.0f | %d epochs on cached features |%n",
                metrics.path("epochsRun").asInt() * (computed + reused - metrics.path("validation").path("images").asInt()),
                phases.path("train").asDouble(), metrics.path("imagesPerSecond").asDouble(), metrics.path("epochsRun").asInt()));
        md.append(String.format(Locale.ROOT, "| run: evaluation (whole network on validation + test) | %d | %.1f | %.1f | streamed from the JPEGs |%n",
                evalImages, phases.path("evaluate").asDouble(), evalImages / Math.max(1e-9, phases.path("evaluate").asDouble())));
        md.append(String.format(Locale.ROOT, "%nTest accuracy %.3f on %d images (random weights: the number proves nothing about transfer).%n",
                metrics.path("test").path("accuracy").asDouble(), metrics.path("test").path("images").asInt()));
        return new Result(md.toString(), "stream.md");
    }

    record Child(String name, int exit, double seconds, long peakKb) {}

    /**
     * Runs `java -Xmx<heap> FLAGS -jar JAR args...` with its output in logDir/NAME.log, and follows its peak
     * resident memory (VmHWM) until it exits.
     */
    static Child child(Path jar, String heap, List<String> jvmFlags, Path logDir, String name, java.io.PrintWriter log, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Dadvisor.home=" + io.transferadvisor.util.Home.dir(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        log.println("$ " + String.join(" ", cmd));
        log.flush();
        Path logFile = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().put("OMP_NUM_THREADS", "2");
        long t0 = System.nanoTime();
        Process p = pb.start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long peak = 0;
        while (p.isAlive()) {
            peak = Math.max(peak, vmHwm(status));
            Thread.sleep(200);
        }
        int exit = p.waitFor();
        double secs = (System.nanoTime() - t0) / 1e9;
        log.printf(Locale.ROOT, "  exit %d after %.1f s, peak RSS %,d MB (log: %s)%n", exit, secs, peak / 1024, logFile);
        log.flush();
        if (exit != 0) {
            throw new IllegalStateException("advisor " + args[0] + " failed (exit " + exit + "); see " + logFile);
        }
        return new Child(name, exit, secs, peak);
    }

    private static long vmHwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between isAlive() and the read
        }
        return 0;
    }

    /** N images, classes in turn, each a coloured shape of random size and place on a noisy coloured background. */
    static void generate(Path dir, int n, long seed) throws IOException {
        Random r = new Random(seed);
        for (String c : CLASSES) {
            Files.createDirectories(dir.resolve(c));
        }
        for (int i = 0; i < n; i++) {
            int k = i % CLASSES.size();
            BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(new Color(r.nextInt(120), r.nextInt(120), r.nextInt(120)));
            g.fillRect(0, 0, 224, 224);
            for (int s = 0; s < 40; s++) { // clutter
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 60));
                g.fillRect(r.nextInt(224), r.nextInt(224), 4 + r.nextInt(30), 4 + r.nextInt(30));
            }
            g.setColor(new Color(130 + r.nextInt(126), 130 + r.nextInt(126), 130 + r.nextInt(126)));
            int size = 50 + r.nextInt(110);
            int x = r.nextInt(224 - size);
            int y = r.nextInt(224 - size);
            switch (k) {
                case 0 -> g.fillOval(x, y, size, size);
                case 1 -> g.fillRect(x, y, size, size);
                case 2 -> g.fillPolygon(new int[] {x, x + size, x + size / 2}, new int[] {y + size, y + size, y}, 3);
                default -> {
                    g.setStroke(new BasicStroke(8 + r.nextInt(12)));
                    g.drawLine(x, y + r.nextInt(size), x + size, y + r.nextInt(size));
                }
            }
            g.dispose();
            if (!ImageIO.write(img, "jpg", dir.resolve(CLASSES.get(k)).resolve(String.format(Locale.ROOT, "%05d.jpg", i)).toFile())) {
                throw new IOException("no JPEG writer in this JVM");
            }
        }
    }

    /** The benchmark's own earlier output (cache, run), if there is any. */
    static void deleteTree(Path p) {
        if (Files.exists(p)) {
            io.transferadvisor.util.Trees.deleteTree(p);
        }
    }
}

package io.transferadvisor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `advisor bench zoo-probe`: one `advisor profile` of a zoo network with random weights on the streaming benchmark's
 * generated 224x224 JPEGs (a per-class cap sets the sample), in its own JVM with the launcher's memory settings and a
 * fresh feature cache: wall time, peak resident memory and the probe's stages (issue 14: ResNet50, 2,000 images,
 * under 3 minutes).
 */
public final class ZooProbeBench {
    private ZooProbeBench() {}

    public record Options(Path dir, int images, int perClass, String model, String heap, Path jar, String command) {}

    /** The JavaCPP limits the launcher gives every command (./advisor's default_opts), so the child runs as a user's would. */
    static final List<String> LAUNCHER_FLAGS = List.of("-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=14G");

    /** The probe's own summary line: LogME, linear probe and learning-curve seconds. */
    private static final Pattern TIMES = Pattern.compile(
            "probe: time ([0-9.]+) s LogME, ([0-9.]+) s linear probe.*?, ([0-9.]+) s learning curve");

    /** {LogME, linear probe, learning curve} seconds from a profile's progress log, or null when the line is missing. */
    static double[] probeTimes(String log) {
        Matcher m = TIMES.matcher(log);
        if (!m.find()) {
            return null;
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))};
    }

    public static StreamBench.Result run(Options o, java.io.PrintWriter log) throws IOException, InterruptedException {
        StreamBench.claim(o.dir(), StreamBench.MARKER, "advisor bench stream");
        StreamBench.images(o.dir(), o.images(), log);
        String tag = o.model().replaceAll("[^A-Za-z0-9]", "-");
        Path yaml = o.dir().resolve("zoo-probe-" + tag + ".yaml");
        Files.writeString(yaml, "version: 1\nname: zoo-probe-" + tag + "-" + o.perClass() + "\ntrain: {format: folder, path: images, per_class: "
                + o.perClass() + "}\nsplit: {test: 0.1, validation: 0.1}\nmodel: {name: '" + o.model() + "', weights: random}\nseed: 42\n"
                + "budget: {minutes: 60, max_epochs: 5}\n", StandardCharsets.UTF_8);
        Path cache = o.dir().resolve("zoo-probe-cache");
        Path json = o.dir().resolve("zoo-probe.json");
        StreamBench.deleteTree(cache);
        Files.deleteIfExists(json);
        StreamBench.Child c;
        try {
            c = StreamBench.child(o.jar(), o.heap(), LAUNCHER_FLAGS, o.dir(), "zoo-probe", log, "profile", yaml.toString(),
                    "--cache", cache.toString(), "-o", json.toString());
        } finally {
            StreamBench.deleteTree(cache); // 2,000 images of full feature rows: not left behind, whether the profile ran or not
        }
        JsonNode prof = Json.json().readTree(json.toFile());
        double[] times = probeTimes(Files.readString(o.dir().resolve("zoo-probe.log"), StandardCharsets.UTF_8));

        JsonNode s = prof.path("sampling");
        JsonNode fw = s.path("features");
        int sampled = s.path("sampledImages").asInt();
        StringBuilder md = new StringBuilder(BenchReport.header("a " + sampled + "-image probe of " + o.model() + " at 224x224 (issue 14)",
                o.command(), "one `advisor profile` in its own JVM with -Xmx" + o.heap() + " and the launcher's JavaCPP limits (" + String.join(" ", LAUNCHER_FLAGS)
                        + "), OMP_NUM_THREADS=2, a fresh feature cache, nothing else running"));
        md.append(String.format(Locale.ROOT, "Target: under 3 minutes (180 s) of wall time, JVM start included. %s random weights, %d layers probed, "
                + "%d training images sampled from the generated folder (`per_class: %d`, split 0.1/0.1).%n%n", o.model(), prof.path("layers").size(), sampled, o.perClass()));
        md.append("| command | exit | wall (s) | peak RSS (MB) | target |\n|---|---:|---:|---:|---|\n");
        md.append(String.format(Locale.ROOT, "| advisor profile | %d | %.1f | %,d | %s |%n", c.exit(), c.seconds(), c.peakKb() / 1024,
                c.seconds() < 180 ? "met" : "**missed**"));
        md.append("\nStages:\n\n| stage | seconds | note |\n|---|---:|---|\n");
        md.append(String.format(Locale.ROOT, "| features (decode, hash, forward, cache) | %.1f | network %.1f s, waiting for decoding %.1f s |%n",
                fw.path("seconds").asDouble(), fw.path("forwardSeconds").asDouble(), fw.path("decodeWaitSeconds").asDouble()));
        if (times != null) {
            md.append(String.format(Locale.ROOT, "| LogME with its jackknife, summed over layers | %.1f | layers measured two at a time on the 2 cores |%n", times[0]));
            md.append(String.format(Locale.ROOT, "| linear probes with their bootstrap, summed over layers | %.1f | the same |%n", times[1]));
            md.append(String.format(Locale.ROOT, "| learning curve on the best layer | %.1f | |%n", times[2]));
        }
        md.append(String.format(Locale.ROOT, "| whole probe | %.1f | from the profile's sampling record |%n", s.path("seconds").asDouble()));
        return new StreamBench.Result(md.toString(), "zoo-probe.md");
    }
}

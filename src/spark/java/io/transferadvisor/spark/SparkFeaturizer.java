package io.transferadvisor.spark;

import io.transferadvisor.features.FeatureParts;
import io.transferadvisor.features.RemoteFeaturizer;
import io.transferadvisor.model.NativeThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Feature parts ({@link FeatureParts}) as Spark tasks: one task per part, the job (network bytes,
 * the image list, the requests) broadcast once, so each executor receives the model once and each
 * task thread deserializes its own copy (a DL4J graph is not safe for concurrent forward passes).
 * The images are read by the executors from the paths in the image list (storage they share with
 * the driver), and each task writes its part file to the cache's parts folder; only the content
 * hashes come back to the driver, which merges the parts into the cache as the single-machine
 * path would have written it.
 *
 * <p>A failed task is retried by Spark ({@code spark.task.maxFailures}, 4); {@code local[N]} becomes
 * {@code local[N,4]} so that a local run retries as a cluster does. ND4J's threads are set to
 * {@code spark.task.cpus} in each task, so that N concurrent tasks use N cores rather than N times
 * OpenMP's default.
 */
public final class SparkFeaturizer implements RemoteFeaturizer {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)]");
    static final int MAX_FAILURES = 4;

    /** Registered in META-INF/services. */
    public static final class Factory implements RemoteFeaturizer.Factory {
        @Override
        public RemoteFeaturizer open(String master) {
            return new SparkFeaturizer(master);
        }
    }

    private final JavaSparkContext sc;
    private final String master;

    SparkFeaturizer(String master) {
        NativeThreads.apply(); // the driver loads ND4J as any command does, before Spark's classes spread
        this.master = retrying(master);
        SparkConf conf = new SparkConf().setAppName("transfer-advisor").setIfMissing("spark.ui.enabled", "false");
        if (!"submit".equals(master)) {
            conf.setMaster(this.master);
        }
        try {
            this.sc = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        } catch (Exception e) {
            throw new io.transferadvisor.UsageException("--spark " + master + ": Spark did not start: " + firstLine(e), e);
        }
    }

    /** local[N] retries a failed task like a cluster does (Spark's local mode otherwise gives up at once). */
    static String retrying(String master) {
        Matcher m = LOCAL.matcher(master);
        return m.matches() ? "local[" + m.group(1) + "," + MAX_FAILURES + "]" : master;
    }

    /**
     * Images per part: {@code spark.advisor.partImages} (a --conf, or a spark.* system property) rounded down
     * to whole batches, at least one; otherwise about 256 (the interface's default), fewer when that would
     * leave cores idle: at least two parts per core where there are images for them (200 images in one part
     * ran on one of two cores at 0.69x the one-JVM path).
     */
    @Override
    public int partImages(int batchSize, int images) {
        int asked = sc.getConf().getInt("spark.advisor.partImages", 0);
        if (asked > 0) {
            return batchSize * Math.max(1, asked / batchSize);
        }
        int most = RemoteFeaturizer.super.partImages(batchSize, images);
        int spread = (int) Math.ceil(images / (2.0 * Math.max(1, sc.defaultParallelism())));
        int batches = Math.max(1, (int) Math.ceil(spread / (double) batchSize));
        return Math.min(most, batches * batchSize);
    }

    /** The context (tests listen to its task events). */
    JavaSparkContext context() {
        return sc;
    }

    @Override
    public String describe() {
        return "spark " + master;
    }

    @Override
    public List<FeatureParts.Outcome> run(FeatureParts.Job job) {
        int parts = job.parts();
        List<Integer> ids = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            ids.add(p);
        }
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        Broadcast<FeatureParts.Job> shipped = sc.broadcast(job);
        // local mode runs tasks in this JVM: put the driver's thread settings back afterwards
        int threads = Nd4j.getEnvironment().maxThreads();
        int master = Nd4j.getEnvironment().maxMasterThreads();
        try {
            sc.setJobDescription(String.format(Locale.ROOT, "features: %d images, %d parts", job.images().size(), parts));
            List<FeatureParts.Outcome> out = sc.parallelize(ids, parts).map(new PartTask(shipped, taskCpus)).collect();
            return new ArrayList<>(out);
        } catch (Exception e) { // SparkException is checked in Java's eyes, and Scala throws it anyway
            // a task's own error (an unreadable image, a missing layer) reaches the user as itself, with its exit code
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof io.transferadvisor.AdvisorException a) {
                    throw a;
                }
            }
            throw new IllegalStateException("the Spark feature job failed: " + firstLine(e), e);
        } finally {
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(master);
            shipped.destroy();
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    @Override
    public void close() {
        sc.stop();
    }

    /** One part, on an executor. */
    static final class PartTask implements Function<Integer, FeatureParts.Outcome> {
        private static final long serialVersionUID = 1L;
        /** Per executor JVM: the job's network, one copy per task thread; only the latest job's copies are kept. */
        private static final Map<String, Map<Long, ComputationGraph>> NETWORKS = new ConcurrentHashMap<>();

        private final Broadcast<FeatureParts.Job> job;
        private final int taskCpus;

        PartTask(Broadcast<FeatureParts.Job> job, int taskCpus) {
            this.job = job;
            this.taskCpus = taskCpus;
        }

        @Override
        public FeatureParts.Outcome call(Integer part) {
            NativeThreads.apply();
            Nd4j.getEnvironment().setMaxThreads(taskCpus);
            Nd4j.getEnvironment().setMaxMasterThreads(taskCpus);
            FeatureParts.Job j = job.value();
            return FeatureParts.compute(network(j), j, part);
        }

        private static ComputationGraph network(FeatureParts.Job j) {
            String id = j.networkId();
            Map<Long, ComputationGraph> copies = NETWORKS.get(id);
            if (copies == null) {
                synchronized (NETWORKS) {
                    copies = NETWORKS.get(id);
                    if (copies == null) {
                        NETWORKS.clear(); // an earlier job's networks: free them
                        copies = new ConcurrentHashMap<>();
                        NETWORKS.put(id, copies);
                    }
                }
            }
            return copies.computeIfAbsent(Thread.currentThread().getId(), t -> FeatureParts.network(j));
        }
    }
}

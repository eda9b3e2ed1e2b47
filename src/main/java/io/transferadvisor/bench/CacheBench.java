package io.transferadvisor.bench;

import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** `advisor bench cache`: per-epoch time of a LINEAR_FROZEN plan with the frozen-feature cache cold, warm and off. */
public final class CacheBench {
    private CacheBench() {}

    /**
     * Runs the plan three times (cache cold, warm, off) and returns the Markdown table.
     *
     * @param dataset dataset.yaml, or null for examples/fashion-large.yaml
     */
    public static String run(Path dataset, String cutoff, int epochs) throws Exception {
        Path ds = dataset != null ? dataset : io.transferadvisor.util.Home.dir().resolve("examples/fashion-large.yaml");
        DatasetSpec s = SpecReader.read(ds);
        LoadedDataset data = DatasetLoader.load(s);
        SourceModel model = ModelRegistry.resolve(s.models().get(0));
        Hyperparameters hp = new Hyperparameters(0.01, 0.0, epochs, epochs, 64, 0.0, BatchNormPolicy.FROZEN, Augmentation.NONE,
                ClassWeighting.NONE);
        Plan plan = new Plan(1, ds.toString(), List.of(model.name()), Strategy.LINEAR_FROZEN, cutoff, HeadType.SOFTMAX, 0, hp, null,
                List.of(), 42, 60, List.of());
        Path tmp = Files.createTempDirectory("bench-cache");
        try {
            Path cache = tmp.resolve("cache");
            var in = new io.transferadvisor.execute.RunInputs(data, n -> model, ds, null, null);
            PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());
            RunResult cold = Executor.run(plan, in, ExecuteOptions.defaults().withOutput(tmp.resolve("cold")).withCacheDir(cache), quiet);
            RunResult warm = Executor.run(plan, in, ExecuteOptions.defaults().withOutput(tmp.resolve("warm")).withCacheDir(cache), quiet);
            RunResult none = Executor.run(plan, in, ExecuteOptions.defaults().withOutput(tmp.resolve("none")).withCacheDir(cache)
                    .withFeatureCache(false), quiet);
            double eCold = meanEpoch(cold.metrics());
            double eWarm = meanEpoch(warm.metrics());
            double eNone = meanEpoch(none.metrics());
            StringBuilder md = new StringBuilder(BenchReport.header("frozen-feature cache (LINEAR_FROZEN)", "advisor bench cache"
                    + (dataset != null ? " --dataset " + dataset : "") + " --cutoff " + cutoff + " --epochs " + epochs, ""));
            md.append("Task: ").append(s.name()).append(" (").append(data.train().size()).append(" train, ").append(data.validation().size())
                    .append(" validation images), model ").append(model.name()).append(", linear softmax head on `").append(cutoff)
                    .append("` (global average pooled), batch 64, ").append(epochs).append(" epochs.\n\n");
            md.append("| run | feature cache | features (s) | mean epoch (s) | test accuracy |\n|---|---|---:|---:|---:|\n");
            row(md, "first run (cache cold)", "on, " + cold.metrics().cache().computed() + " computed", cold.metrics(), eCold);
            row(md, "second run (cache warm)", "on, " + warm.metrics().cache().reused() + " reused", warm.metrics(), eWarm);
            row(md, "no cache", "off: frozen layers run every epoch", none.metrics(), eNone);
            md.append(String.format(java.util.Locale.ROOT, "%nPer-epoch speed-up with the cache: **%.1fx** (no cache %.2f s / cached %.2f s per epoch).%n",
                    eNone / eWarm, eNone, eWarm));
            return md.toString();
        } finally {
            io.transferadvisor.util.Trees.deleteTree(tmp);
        }
    }

    private static void row(StringBuilder md, String name, String cache, RunMetrics m, double epoch) {
        md.append(String.format(java.util.Locale.ROOT, "| %s | %s | %.2f | %.3f | %.4f |%n", name, cache, m.phases().getOrDefault("features", 0.0), epoch,
                m.test().accuracy()));
    }

    static double meanEpoch(RunMetrics m) {
        return m.history().get("train").stream().mapToDouble(RunMetrics.EpochRow::seconds).average().orElse(Double.NaN);
    }
}

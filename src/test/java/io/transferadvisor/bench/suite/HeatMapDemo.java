package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.HeatMap.Point;
import io.transferadvisor.plan.Strategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Renders a made-up suite (30 tasks x 3 seeds, calibration and held-out) to look at the layout:
 * {@code java -cp target/classes:target/test-classes:<deps> io.transferadvisor.bench.suite.HeatMapDemo target/heatmap-demo.png}.
 * Not a test; the regrets follow the textbook matrix plus noise, nothing here is measured.
 */
public final class HeatMapDemo {
    private HeatMapDemo() {}

    static List<Point> fake() {
        Random rnd = new Random(7);
        int[] sizes = {4, 5, 10, 12, 20, 25, 50, 60, 200, 300, 1000, 1500};
        List<Point> points = new ArrayList<>();
        for (int t = 0; t < 30; t++) {
            int perClass = sizes[rnd.nextInt(sizes.length)];
            double sim = Math.min(1, Math.max(0, 0.35 + 0.6 * rnd.nextDouble()));
            boolean calibration = t < 18;
            for (int seed = 0; seed < 3; seed++) {
                Map<String, Double> acc = new TreeMap<>(); // made-up accuracy points per strategy
                double small = Math.log10(perClass) / 3.2; // 0 (tiny) .. 1 (large)
                for (Strategy s : Strategy.values()) {
                    double base = switch (s) {
                        case LINEAR_FROZEN -> 70 + 25 * sim - 8 * small;
                        case LINEAR_EARLIER -> 68 + 18 * sim + 2 * small;
                        case TRUNCATE_GROW -> 64 + 14 * sim + 10 * small;
                        case FINETUNE_ABOVE -> 66 + 20 * sim + 12 * small;
                        case FINETUNE_ALL -> 58 + 14 * sim + 24 * small;
                        case FROM_SCRATCH -> 45 + 38 * small;
                        case AUTOENCODER_TRANSFER -> 55 + 6 * sim + 20 * small;
                        case ENSEMBLE -> 66 + 22 * sim + 4 * small;
                    };
                    acc.put(s.name(), base + rnd.nextGaussian() * 1.5);
                }
                double best = acc.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                Map<String, Double> regret = new TreeMap<>();
                acc.forEach((k, v) -> regret.put(k, best - v));
                String advisor = regret.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                if (rnd.nextDouble() < 0.3) {
                    advisor = Strategy.values()[rnd.nextInt(Strategy.values().length)].name();
                }
                points.add(new Point("task-" + t, perClass, sim, regret, advisor, regret.get(advisor), calibration));
            }
        }
        return points;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/heatmap-demo.png");
        HeatMap.write(fake(), "Benchmark suite: which strategy wins where (demo data, 30 tasks x 3 seeds)", out);
        System.out.println("wrote " + out.toAbsolutePath());
    }
}

package io.transferadvisor.probe;

import io.transferadvisor.dataset.DatasetException;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.features.Pooling;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.probe.DatasetProfile.ClassMapping;
import io.transferadvisor.probe.DatasetProfile.CurvePoint;
import io.transferadvisor.probe.DatasetProfile.Estimate;
import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import io.transferadvisor.probe.DatasetProfile.Sampling;
import io.transferadvisor.probe.DatasetProfile.SizeStats;
import io.transferadvisor.probe.DatasetProfile.SourceView;
import io.transferadvisor.probe.DatasetProfile.Sufficiency;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The similarity probe: one forward pass over a stratified sample of the training images feeds
 * the size table, the per-layer domain shift, the source classifier's view, LogME and
 * linear-probe transferability per candidate cut, and the learning-curve extrapolation.
 */
public final class Prober {
    private Prober() {}

    /** Fractions of the (cross-validation) training data for the learning curve. */
    static final double[] FRACTIONS = {0.125, 0.25, 0.5, 1.0};

    public static DatasetProfile run(LoadedDataset data, SourceModel model, ProbeOptions options, PrintWriter progress) {
        long t0 = System.nanoTime();
        PrintWriter log = progress == null ? new PrintWriter(java.io.Writer.nullWriter()) : progress;
        ModelProfile mp = model.profile();
        if (options.cacheRoot() == null) {
            throw new IllegalArgumentException("probe options need a feature cache folder");
        }
        ImageSet train = data.train();
        int classes = train.classNames().size();
        if (classes < 2) {
            throw new DatasetException("dataset '" + data.spec().name() + "' has " + classes
                    + " class; the probe needs at least 2 labelled classes");
        }
        long ts = System.nanoTime();
        SizeStats size = size(data, mp);
        double sizeSeconds = (System.nanoTime() - ts) / 1e9;
        log.printf(java.util.Locale.ROOT, "probe: %d labelled images in %d classes; model %s (input %s); size table %.1f s%n", size.images(), classes,
                model.name(), input(data, mp), sizeSeconds);

        int[] sample = stratifiedSample(train, options.sampleCap(), options.seed());
        ImageSet sampled = train.subset(sample);
        int[] y = new int[sample.length];
        for (int i = 0; i < sample.length; i++) {
            y[i] = sampled.label(i);
        }
        int[] sampledCounts = new int[classes];
        for (int v : y) {
            sampledCounts[v]++;
        }
        for (int c = 0; c < classes; c++) {
            if (sampledCounts[c] < 2) {
                throw new DatasetException("class '" + train.classNames().get(c) + "' has " + sampledCounts[c]
                        + " training image(s); the probe needs at least 2 per class; add images or drop the class");
            }
        }
        log.printf(java.util.Locale.ROOT, "probe: sampled %d of %d training images (cap %d, seed %d)%n", sample.length, train.size(),
                options.sampleCap(), options.seed());

        List<String> cuts = mp.candidateCuts();
        if (cuts.isEmpty()) {
            throw new ModelException("model '" + model.name() + "' lists no candidate cut layers in its profile; re-create its profile");
        }
        long tm = System.nanoTime();
        ComputationGraph graph = model.load();
        log.printf(java.util.Locale.ROOT, "probe: model %s loaded in %.1f s%n", model.name(), (System.nanoTime() - tm) / 1e9);
        String output = graph.getConfiguration().getNetworkOutputs().get(0);
        Map<String, BatchNormReference.Reference> bn = BatchNormReference.find(graph, cuts);

        List<FeatureCache.Request> requests = new ArrayList<>();
        for (String cut : cuts) {
            requests.add(new FeatureCache.Request(cut, Pooling.AVG));
            String shiftVertex = bn.containsKey(cut) ? bn.get(cut).input() : cut;
            requests.add(new FeatureCache.Request(shiftVertex, Pooling.MOMENTS));
        }
        requests.add(new FeatureCache.Request(output, Pooling.AVG));
        InputGeometry geometry = input(data, mp);
        FeatureCache cache = new FeatureCache(options.cacheRoot(), options.remote());
        // Same model identity as the executor uses, so its frozen-feature runs reuse these rows.
        String modelId = FeatureCache.modelId(model);
        long tf = System.nanoTime();
        if (!model.preprocessing().isIdentity()) {
            log.printf(java.util.Locale.ROOT, "probe: input preprocessing %s%n", model.preprocessing().describe());
        }
        FeatureCache.Result feats = cache.compute(graph, modelId, requests, sampled.preprocessed(model.preprocessing()), geometry,
                options.batchSize(), log);
        log.printf(java.util.Locale.ROOT, "probe: features ready (%d computed, %d from the cache %s) in %.1f s, %.1f s in the network,"
                        + " %.1f s waiting for decoding%n",
                feats.computed(), feats.reused(), cache.root(), (System.nanoTime() - tf) / 1e9, feats.forwardSeconds(),
                feats.decodeWaitSeconds());

        SourceView view = sourceView(feats.get(output, Pooling.AVG), y, train.classNames(), mp.sourceClasses());

        List<LayerProbe> layers = new ArrayList<>();
        Map<String, double[][]> pooled = new LinkedHashMap<>();
        int folds = LinearProbe.folds(y, classes, options.folds());
        Map<String, LinearProbe.CvResult> fullCv = new LinkedHashMap<>();
        long logmeNanos = 0;
        long probeNanos = 0;
        // Each layer's measures are independent and seeded by the layer's index: layers are measured on every
        // core at once (single-threaded BLAS each) and collected in order, so the numbers do not depend on it.
        List<java.util.concurrent.Future<LayerWork>> work = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(cuts.size(), layerThreads())), r -> {
                    Thread t = new Thread(r, "probe-layer");
                    t.setDaemon(true);
                    return t;
                });
        try {
            // Widest layers first (their LogME and probe cost grows with the width), so the narrow ones fill the
            // cores at the end instead of one wide layer running alone; collected in the cuts' order all the same.
            Integer[] order = new Integer[cuts.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            long[] widths = new long[cuts.size()];
            for (int i = 0; i < widths.length; i++) {
                widths[i] = feats.get(cuts.get(i), Pooling.AVG).size(1);
            }
            Arrays.sort(order, (a, b) -> widths[a] != widths[b] ? Long.compare(widths[b], widths[a]) : Integer.compare(a, b));
            List<java.util.concurrent.Future<LayerWork>> submitted = new ArrayList<>(java.util.Collections.nCopies(cuts.size(), null));
            for (int i : order) {
                final int layer = i;
                submitted.set(i, pool.submit(() -> measure(layer, cuts, bn, mp, feats, y, classes, folds, options)));
            }
            work.addAll(submitted);
            for (java.util.concurrent.Future<LayerWork> f : work) {
                LayerWork w = io.transferadvisor.dataset.Prefetch.await(f);
                pooled.put(w.probe().layer(), w.x());
                fullCv.put(w.probe().layer(), w.cv());
                layers.add(w.probe());
                logmeNanos += w.logmeNanos();
                probeNanos += w.probeNanos();
                LayerProbe l = w.probe();
                log.printf(java.util.Locale.ROOT, "probe: %-12s shift %s  LogME %.3f  probe acc %.3f%n", l.layer(),
                        Double.isNaN(l.shift()) ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", l.shift()), l.logme().value(),
                        l.probeAccuracy().value());
            }
        } finally {
            pool.shutdownNow();
        }

        double similarity = DomainShift.overall(layers.stream().map(LayerProbe::similarity).toList(),
                layers.stream().map(LayerProbe::relativeDepth).toList());
        if (Double.isNaN(similarity)) {
            // No layer has a source reference: fall back to how sure the source classifier is.
            similarity = 1 - view.normalizedEntropy();
        }
        similarity = Math.max(0, Math.min(1, similarity));

        LayerProbe best = layers.get(0);
        for (LayerProbe l : layers) {
            double a = l.probeAccuracy().value();
            double b = best.probeAccuracy().value();
            if (a > b + 1e-12 || (Math.abs(a - b) <= 1e-12 && l.logme().value() > best.logme().value())) {
                best = l;
            }
        }
        long tc = System.nanoTime();
        Sufficiency sufficiency = sufficiency(pooled.get(best.layer()), y, classes, folds, (double) train.size() / classes, options,
                fullCv.get(best.layer()));
        log.printf(java.util.Locale.ROOT, "probe: learning curve on %s: a=%.4f b=%.4f c=%.3f%n", best.layer(), sufficiency.parameters().get(0),
                sufficiency.parameters().get(1), sufficiency.parameters().get(2));
        log.printf(java.util.Locale.ROOT, "probe: time %.1f s LogME, %.1f s linear probe (summed over layers measured in parallel), %.1f s learning curve%n", logmeNanos / 1e9, probeNanos / 1e9,
                (System.nanoTime() - tc) / 1e9);

        double seconds = (System.nanoTime() - t0) / 1e9;
        int unlabelled = data.unlabelled().map(ImageSet::size).orElse(0);
        return new DatasetProfile(DatasetProfile.SCHEMA_VERSION, data.spec().name(), data.contentHash(), model.name(), size,
                layers, similarity, view, sufficiency, unlabelled,
                new Sampling(sample.length, options.sampleCap(), options.seed(), options.bootstrap(), seconds, data.skipped().size(),
                        new DatasetProfile.FeatureWork(feats.computed(), feats.reused(), feats.forwardSeconds(), feats.seconds(),
                                feats.decodeWaitSeconds())));
    }

    /** Layers measured at once: the cores, or -Dadvisor.probeThreads=N. */
    static int layerThreads() {
        return Integer.getInteger("advisor.probeThreads", Runtime.getRuntime().availableProcessors());
    }

    /** One layer's measures, and the time its LogME and linear probe took. */
    private record LayerWork(LayerProbe probe, double[][] x, LinearProbe.CvResult cv, long logmeNanos, long probeNanos) {}

    private static LayerWork measure(int i, List<String> cuts, Map<String, BatchNormReference.Reference> bn, ModelProfile mp,
                                     FeatureCache.Result feats, int[] y, int classes, int folds, ProbeOptions options) {
        String cut = cuts.get(i);
        double relDepth = cuts.size() == 1 ? 1.0 : (double) i / (cuts.size() - 1);
        double shift = Double.NaN;
        String reference = "none";
        BatchNormReference.Reference ref = bn.get(cut);
        if (ref != null) {
            DomainShift.Stats target = DomainShift.Stats.fromMoments(feats.get(ref.input(), Pooling.MOMENTS).toFloatMatrix());
            if (target.mean().length == ref.stats().mean().length) {
                shift = DomainShift.shift(target, ref.stats());
                reference = "batchnorm:" + ref.batchNorm();
            }
        }
        if (Double.isNaN(shift) && mp.activationStats().containsKey(cut)) {
            ModelProfile.ChannelStats cs = mp.activationStats().get(cut);
            DomainShift.Stats target = DomainShift.Stats.fromMoments(feats.get(cut, Pooling.MOMENTS).toFloatMatrix());
            if (target.mean().length == cs.mean().length) {
                shift = DomainShift.shift(target, new DomainShift.Stats(cs.mean(), cs.variance()));
                reference = "model-profile";
            }
        }
        double[][] x = feats.get(cut, Pooling.AVG).toDoubleMatrix();
        int dim = x[0].length;
        long tl = System.nanoTime();
        LogMe.Subsets subsets = new LogMe.Subsets(x);
        int[] all = java.util.stream.IntStream.range(0, x.length).toArray();
        double logmeFull = subsets.score(all, y, classes);
        Estimate logme = Bootstrap.jackknife(y, classes, idx -> subsets.score(idx, pick(y, idx), classes), logmeFull,
                ProbeOptions.LOGME_JACKKNIFE_GROUPS, options.seed() + 17 * i + 1);
        long logmeNanos = System.nanoTime() - tl;
        long tp = System.nanoTime();
        LinearProbe.CvResult cv = LinearProbe.crossValidate(x, y, classes, folds, 1.0, options.seed());
        Estimate acc = Bootstrap.proportion(cv.correct(), options.bootstrap(), options.seed() + 17 * i + 2);
        long probeNanos = System.nanoTime() - tp;
        double sim = Double.isNaN(shift) ? Double.NaN : DomainShift.similarity(shift);
        return new LayerWork(new LayerProbe(cut, i, relDepth, dim, shift, sim, reference, logme, acc), x, cv, logmeNanos, probeNanos);
    }

    private static int[] pick(int[] y, int[] idx) {
        int[] r = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            r[i] = y[idx[i]];
        }
        return r;
    }

    static SizeStats size(LoadedDataset data, ModelProfile mp) {
        List<String> names = data.classNames();
        int k = names.size();
        int[] per = new int[k];
        for (ImageSet s : List.of(data.train(), data.validation(), data.test())) {
            int[] c = s.classCounts();
            for (int i = 0; i < k && i < c.length; i++) {
                per[i] += c[i];
            }
        }
        int[] sorted = per.clone();
        Arrays.sort(sorted);
        double median = k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2.0;
        int min = sorted[0];
        int max = sorted[k - 1];
        double imbalance = min == 0 ? max : (double) max / min;
        GeometryScan.Found g = GeometryScan.scan(List.of(data.train(), data.validation(), data.test()));
        InputGeometry in = input(data, mp);
        boolean matches = g.unreadable() == 0 && g.minH() == in.height() && g.maxH() == in.height()
                && g.minW() == in.width() && g.maxW() == in.width() && g.channels().size() == 1 && g.channels().first() == in.channels();
        List<Integer> perList = Arrays.stream(per).boxed().toList();
        return new SizeStats(data.labelledCount(), data.train().size(), k, names, perList, min, median, max, imbalance,
                List.of(g.minH(), g.maxH()), List.of(g.minW(), g.maxW()), List.copyOf(g.channels()), in.toString(), matches,
                mp.parameters());
    }

    private static InputGeometry input(LoadedDataset data, ModelProfile mp) {
        return data.spec().inputFor(mp.input());
    }

    /**
     * Indices of a stratified sample of at most cap images (all if fewer): each class gets its
     * proportional share, but at least min(its size, 10), chosen by a seeded shuffle; sorted.
     */
    static int[] stratifiedSample(ImageSet set, int cap, long seed) {
        int n = set.size();
        if (n <= cap) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int k = set.classNames().size();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            int l = set.label(i);
            if (l >= 0) {
                byClass.get(l).add(i);
            }
        }
        Random r = new Random(seed);
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            List<Integer> idx = byClass.get(c);
            int quota = (int) Math.floor((double) cap * idx.size() / n);
            quota = Math.min(idx.size(), Math.max(quota, Math.min(idx.size(), 10)));
            java.util.Collections.shuffle(idx, r);
            out.addAll(idx.subList(0, quota));
        }
        java.util.Collections.sort(out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static SourceView sourceView(INDArray outputs, int[] y, List<String> targetClasses, List<String> sourceClasses) {
        double[][] p = outputs.toDoubleMatrix();
        int n = p.length;
        int ks = p[0].length;
        int kt = targetClasses.size();
        double sumMax = 0;
        double sumEntropy = 0;
        int[][] counts = new int[kt][ks];
        int[] perTarget = new int[kt];
        for (int i = 0; i < n; i++) {
            double[] q = io.transferadvisor.util.Probabilities.of(p[i]);
            int arg = 0;
            double h = 0;
            for (int s = 0; s < ks; s++) {
                if (q[s] > q[arg]) {
                    arg = s;
                }
                if (q[s] > 0) {
                    h -= q[s] * Math.log(q[s]);
                }
            }
            sumMax += q[arg];
            sumEntropy += h;
            counts[y[i]][arg]++;
            perTarget[y[i]]++;
        }
        List<ClassMapping> mapping = new ArrayList<>();
        for (int t = 0; t < kt; t++) {
            int arg = 0;
            for (int s = 0; s < ks; s++) {
                if (counts[t][s] > counts[t][arg]) {
                    arg = s;
                }
            }
            String src = arg < sourceClasses.size() ? sourceClasses.get(arg) : "class " + arg;
            mapping.add(new ClassMapping(targetClasses.get(t), src, perTarget[t] == 0 ? 0 : (double) counts[t][arg] / perTarget[t]));
        }
        double meanEntropy = sumEntropy / n;
        double normalized = ks > 1 ? meanEntropy / Math.log(ks) : 0;
        return new SourceView(sumMax / n, meanEntropy, Math.max(0, Math.min(1, normalized)), mapping, labelOverlap(counts, n));
    }

    /**
     * Share of target images that land in "their" source class under a one-to-one matching of
     * target to source classes (greedy on the count matrix: largest cell first). 1 means the
     * source classifier already separates the target classes, each into a different source class.
     */
    static double labelOverlap(int[][] counts, int n) {
        int kt = counts.length;
        int ks = counts[0].length;
        boolean[] usedT = new boolean[kt];
        boolean[] usedS = new boolean[ks];
        int matched = 0;
        for (int step = 0; step < Math.min(kt, ks); step++) {
            int bt = -1;
            int bs = -1;
            for (int t = 0; t < kt; t++) {
                for (int s = 0; s < ks; s++) {
                    if (!usedT[t] && !usedS[s] && (bt < 0 || counts[t][s] > counts[bt][bs])) {
                        bt = t;
                        bs = s;
                    }
                }
            }
            usedT[bt] = true;
            usedS[bs] = true;
            matched += counts[bt][bs];
        }
        return n == 0 ? 0 : (double) matched / n;
    }

    /** @param full the layer's cross-validation on all the data (the curve's last point, already computed) */
    static Sufficiency sufficiency(double[][] x, int[] y, int classes, int folds, double currentPerClass, ProbeOptions options,
                                   LinearProbe.CvResult full) {
        int n = x.length;
        boolean[][] correct = new boolean[FRACTIONS.length][];
        double[] perClass = new double[FRACTIONS.length];
        double[] acc = new double[FRACTIONS.length];
        List<CurvePoint> curve = new ArrayList<>();
        for (int f = 0; f < FRACTIONS.length; f++) {
            LinearProbe.CvResult cv = FRACTIONS[f] >= 1 && full != null ? full
                    : LinearProbe.crossValidate(x, y, classes, folds, FRACTIONS[f], options.seed());
            correct[f] = cv.correct();
            acc[f] = cv.accuracy();
            perClass[f] = Math.max(1, FRACTIONS[f] * (folds - 1) / folds * n / classes);
            curve.add(new CurvePoint(FRACTIONS[f], (int) Math.round(perClass[f]),
                    Bootstrap.proportion(cv.correct(), options.bootstrap(), options.seed() + 101 + f)));
        }
        LearningCurve.Fit fit = LearningCurve.fit(perClass, acc);
        // Bootstrap over the fit: resample the held-out images (the same resample at every fraction), refit.
        Random r = new Random(options.seed() + 211);
        int b = options.bootstrap();
        double[] now = new double[b];
        double[] twice = new double[b];
        double[] four = new double[b];
        for (int k = 0; k < b; k++) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = r.nextInt(n);
            }
            double[] accB = new double[FRACTIONS.length];
            for (int f = 0; f < FRACTIONS.length; f++) {
                int ok = 0;
                for (int i : idx) {
                    ok += correct[f][i] ? 1 : 0;
                }
                accB[f] = (double) ok / n;
            }
            LearningCurve.Fit fb = LearningCurve.fit(perClass, accB);
            now[k] = fb.predict(currentPerClass);
            twice[k] = fb.predict(2 * currentPerClass);
            four[k] = fb.predict(4 * currentPerClass);
        }
        return new Sufficiency(curve, LearningCurve.MODEL, List.of(fit.a(), fit.b(), fit.c()), currentPerClass,
                Bootstrap.interval(fit.predict(currentPerClass), now),
                Bootstrap.interval(fit.predict(2 * currentPerClass), twice),
                Bootstrap.interval(fit.predict(4 * currentPerClass), four));
    }
}

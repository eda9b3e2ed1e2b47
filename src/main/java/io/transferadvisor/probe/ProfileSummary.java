package io.transferadvisor.probe;

import io.transferadvisor.probe.DatasetProfile.ClassMapping;
import io.transferadvisor.probe.DatasetProfile.CurvePoint;
import io.transferadvisor.probe.DatasetProfile.Estimate;
import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import io.transferadvisor.probe.DatasetProfile.SizeStats;
import io.transferadvisor.probe.DatasetProfile.Sufficiency;
import java.util.Locale;

/** The readable summary `advisor profile` prints; every number comes from the profile record. */
public final class ProfileSummary {
    private ProfileSummary() {}

    static final int BAR = 40;

    public static String render(DatasetProfile p) {
        StringBuilder b = new StringBuilder();
        SizeStats s = p.size();
        line(b, "Profile of '%s' against model '%s' (dataset sha256 %s)", p.dataset(), p.model(), shortHash(p.datasetHash()));
        line(b, "");
        line(b, "Size");
        line(b, "  %d labelled images (%d for training), %d classes; per class min %d, median %s, max %d; imbalance %.2f",
                s.images(), s.trainImages(), s.classes(), s.minPerClass(), num(s.medianPerClass()), s.maxPerClass(), s.imbalance());
        line(b, "  images found %s x %s, channels %s; model input %s: %s",
                range(s.heightRange().get(0), s.heightRange().get(1)), range(s.widthRange().get(0), s.widthRange().get(1)),
                s.channelsFound(), s.modelInput(), s.geometryMatches() ? "matches" : "images will be fitted to it");
        int w = Math.max(5, s.classNames().stream().mapToInt(String::length).max().orElse(5));
        line(b, "  %-" + w + "s  %7s", "class", "images");
        for (int i = 0; i < s.classes(); i++) {
            line(b, "  %-" + w + "s  %7d", s.classNames().get(i), s.perClass().get(i));
        }
        if (p.unlabelledImages() > 0) {
            line(b, "  unlabelled images: %d", p.unlabelledImages());
        }

        line(b, "");
        line(b, "Layers (candidate cuts, input side first)");
        int lw = Math.max(5, p.layers().stream().mapToInt(l -> l.layer().length()).max().orElse(5));
        int rw = Math.max(9, p.layers().stream().mapToInt(l -> l.shiftReference().length()).max().orElse(9));
        line(b, "  %-" + lw + "s %5s %7s %6s  %-" + rw + "s  %-26s  %s", "layer", "dim", "shift", "sim", "reference",
                "LogME [95% CI]", "probe acc [95% CI]");
        for (LayerProbe l : p.layers()) {
            line(b, "  %-" + lw + "s %5d %7s %6s  %-" + rw + "s  %-26s  %s", l.layer(), l.featureDim(), num3(l.shift()),
                    num3(l.similarity()), l.shiftReference(), est(l.logme()), est(l.probeAccuracy()));
        }
        line(b, "  overall similarity to the source domain: %.3f (1 = same domain; weights 1 + relative depth)", p.similarity());

        line(b, "");
        line(b, "Transferability: linear-probe accuracy if you cut here (| marks the 95%% CI)");
        for (LayerProbe l : p.layers()) {
            line(b, "  %-" + lw + "s %s %.3f", l.layer(), bar(l.probeAccuracy()), l.probeAccuracy().value());
        }

        var v = p.sourceView();
        line(b, "");
        line(b, "Source classifier view");
        line(b, "  mean max softmax %.3f, mean entropy %.3f nats (normalized %.3f), label overlap %.3f",
                v.meanMaxSoftmax(), v.meanEntropy(), v.normalizedEntropy(), v.labelOverlap());
        for (ClassMapping m : v.classMapping()) {
            line(b, "  %-" + w + "s -> %s (%.0f%%)", m.targetClass(), m.sourceClass(), 100 * m.share());
        }

        Sufficiency f = p.sufficiency();
        line(b, "");
        line(b, "Data sufficiency (linear probe on the best layer)");
        for (CurvePoint c : f.curve()) {
            line(b, "  %5s of the data (%d/class): %s", fraction(c.fraction()), c.perClass(), est(c.accuracy()));
        }
        line(b, "  fit %s: a=%.4f b=%.4f c=%.3f", f.model(), f.parameters().get(0), f.parameters().get(1), f.parameters().get(2));
        line(b, "  now (%s/class): %s; 2x: %s; 4x: %s", num(f.currentPerClass()), est(f.current()), est(f.at2x()), est(f.at4x()));
        line(b, "  %s", moreData(f));

        if (!p.trials().isEmpty()) {
            line(b, "");
            line(b, "Measured plan trials (each candidate trained on one of %d folds, scored on the rest)", p.trials().get(0).folds());
            for (DatasetProfile.PlanTrial t : p.trials()) {
                line(b, "  %-30s %s  on %d images, %d epochs max", t.strategy() + " " + t.cut() + (t.grow() > 0 ? " +" + t.grow() : ""),
                        est(t.accuracy()), t.images(), t.epochs());
            }
        }

        var sm = p.sampling();
        line(b, "");
        line(b, "Sampled %d training images (cap %d, seed %d), %d bootstrap resamples, %.1f s",
                sm.sampledImages(), sm.cap(), sm.seed(), sm.bootstrap(), sm.seconds());
        return b.toString();
    }

    /** "+N labels per class ≈ +x points". */
    public static String moreData(Sufficiency f) {
        long n = Math.round(f.currentPerClass());
        double x = 100 * (f.at2x().value() - f.current().value());
        return String.format(Locale.ROOT, "+%d labels per class ≈ %+.1f points (to %s)", n, x, est(f.at2x()));
    }

    static String est(Estimate e) {
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", e.value(), e.low(), e.high());
    }

    private static String bar(Estimate e) {
        char[] c = new char[BAR];
        int v = (int) Math.round(clamp(e.value()) * BAR);
        int lo = (int) Math.round(clamp(e.low()) * BAR);
        int hi = (int) Math.round(clamp(e.high()) * BAR);
        for (int i = 0; i < BAR; i++) {
            c[i] = i < v ? '#' : '.';
        }
        if (lo < BAR) {
            c[Math.max(0, Math.min(BAR - 1, lo))] = '|';
        }
        c[Math.max(0, Math.min(BAR - 1, hi - 1))] = '|';
        return new String(c);
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }

    private static String num3(double x) {
        return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.3f", x);
    }

    private static String num(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.format(Locale.ROOT, "%.1f", x);
    }

    private static String range(int lo, int hi) {
        return lo == hi ? String.valueOf(lo) : lo + ".." + hi;
    }

    private static String fraction(double f) {
        return f >= 1 ? "all" : "1/" + Math.round(1 / f);
    }

    private static String shortHash(String h) {
        return h == null ? "?" : h.substring(0, Math.min(12, h.length()));
    }

    private static void line(StringBuilder b, String fmt, Object... args) {
        b.append(String.format(Locale.ROOT, fmt, args)).append('\n');
    }
}

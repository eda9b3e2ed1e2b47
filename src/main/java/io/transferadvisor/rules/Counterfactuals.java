package io.transferadvisor.rules;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * "What would change the decision": re-runs the rules on perturbed profiles and reports the
 * nearest boundary in each direction (more/fewer images, more/less similar), plus what an
 * unlabelled pool or a different imbalance would do. Every candidate is a real rule evaluation.
 */
public final class Counterfactuals {
    private Counterfactuals() {}

    /** Geometric search ladder: x1.5 per step, then bisection. */
    static final double STEP = 1.5;
    static final int MAX_STEPS = 14;
    static final int BISECT = 10;

    public static List<Audit.Counterfactual> find(Recommender r, List<DatasetProfile> profiles, Recommender.Request req, Plan base) {
        String baseSig = Recommender.signature(base);
        DatasetProfile first = profiles.get(0);
        int images = first.size().images();
        int minImages = Math.max(2, first.size().classes() * 2);
        // the domain moves as seen by the model the plan uses (the first one when it ensembles models), the similarity explain quotes
        DatasetProfile anchor = anchor(profiles, base);
        double sim = anchor.similarity();
        // Independent searches, each a series of real rule evaluations: run them on both cores, keep their order.
        List<Supplier<List<Audit.Counterfactual>>> searches = List.of(
                () -> images(r, profiles, req, baseSig, first, images, minImages, true),
                () -> images(r, profiles, req, baseSig, first, images, minImages, false),
                () -> similarity(r, profiles, req, baseSig, anchor.model(), sim, 1),
                () -> similarity(r, profiles, req, baseSig, anchor.model(), sim, -1),
                () -> {
                    int unl = first.unlabelledImages();
                    int tryUnl = unl == 0 ? Math.max(500, first.size().trainImages()) : 0;
                    return whole(r, profiles, req, base, "unlabelled", fmt(unl), fmt(tryUnl), p -> ProfileEdits.withUnlabelled(p, tryUnl),
                            unl == 0 ? "with " + fmt(tryUnl) + " unlabelled images" : "without the unlabelled images");
                },
                () -> models(r, profiles, req, base),
                () -> confidence(r, profiles, req, base),
                () -> {
                    double imb = first.size().imbalance();
                    double tryImb = imb < 3.0 ? 5.0 : 1.0;
                    return whole(r, profiles, req, base, "imbalance", fmt2(imb), fmt2(tryImb), p -> ProfileEdits.withImbalance(p, tryImb),
                            "with a class imbalance of " + fmt2(tryImb));
                });
        List<Audit.Counterfactual> out = new ArrayList<>();
        searches.parallelStream().map(Supplier::get).toList().forEach(out::addAll);
        return out;
    }

    private static List<Audit.Counterfactual> images(Recommender r, List<DatasetProfile> profiles, Recommender.Request req, String baseSig,
                                                     DatasetProfile first, int images, int minImages, boolean up) {
        Integer at = searchInt(images, up, minImages, n -> sig(r, map(profiles, p -> ProfileEdits.withImages(p, n)), req), baseSig);
        if (at == null) {
            return List.of();
        }
        String becomes = sig(r, map(profiles, p -> ProfileEdits.withImages(p, at)), req);
        // in training images per class, the number the size rules compare (the labelled total also holds the test images)
        int nowPerClass = (int) first.size().trainPerClass();
        int atPerClass = (int) ProfileEdits.withImages(first, at).size().trainPerClass();
        String text = (up ? "with " + fmt(atPerClass) + " or more training images per class (now " + fmt(nowPerClass)
                : "with " + fmt(atPerClass) + " or fewer training images per class (now " + fmt(nowPerClass))
                + "; " + fmt(at) + " labelled images in all, now " + fmt(images) + ") this becomes " + becomes;
        return List.of(new Audit.Counterfactual("images", fmt(images), fmt(at), becomes, text));
    }

    private static List<Audit.Counterfactual> similarity(Recommender r, List<DatasetProfile> profiles, Recommender.Request req,
                                                         String baseSig, String anchor, double sim, int dir) {
        Double boundary = searchSimilarity(r, profiles, req, baseSig, anchor, sim, dir);
        if (boundary == null) {
            return List.of();
        }
        double b = boundary;
        String becomes = sig(r, moved(profiles, anchor, sim, b), req);
        String whose = profiles.size() > 1 ? anchor + "'s similarity" : "similarity";
        // 0.897 against a boundary of 0.90 read ">= 0.90, now 0.90": where two decimals cannot tell them apart, the value has three
        String now = fmt2(sim).equals(fmt2(b)) ? fmt3(sim) : fmt2(sim);
        return List.of(new Audit.Counterfactual("similarity", now, fmt2(b), becomes,
                (dir > 0 ? "if the domain were more similar (" + whose + " >= " : "if the domain were less similar (" + whose + " <= ")
                        + fmt2(b) + ", now " + now + (profiles.size() > 1 ? "; every model's moved by as much" : "") + ") this becomes " + becomes));
    }

    private static List<Audit.Counterfactual> whole(Recommender r, List<DatasetProfile> profiles, Recommender.Request req,
                                                    Plan base, String change, String from, String to, UnaryOperator<DatasetProfile> edit, String phrase) {
        Plan other = r.decide(map(profiles, edit), req).plan();
        List<String> d = PlanDiff.diff(base, other);
        if (d.isEmpty()) {
            return List.of();
        }
        return List.of(new Audit.Counterfactual(change, from, to, Recommender.signature(other),
                phrase + " (now " + from + "): " + String.join("; ", d.subList(0, Math.min(3, d.size())))
                        + (d.size() > 3 ? "; ..." : "")));
    }

    /**
     * Several models: the runner-up's overall similarity at which the model choice would flip, the next thousandth above the chosen
     * model's (models.drl takes the model the target reads as closest to its source domain; similarities of two models are often
     * within a hundredth, so a hundredth's step overstated the change that flips the choice). A real rule evaluation of the moved
     * profile; nothing when it is out of range or the decision does not change.
     */
    private static List<Audit.Counterfactual> models(Recommender r, List<DatasetProfile> profiles, Recommender.Request req, Plan base) {
        if (profiles.size() < 2) {
            return List.of();
        }
        DatasetProfile chosen = anchor(profiles, base);
        DatasetProfile second = runnerUp(profiles, chosen);
        double target = nextThousandth(chosen.similarity());
        String becomes = target > 1 ? null : flipped(r, profiles, req, base, second, ProfileEdits.withSimilarity(second, target));
        if (becomes == null) {
            return List.of();
        }
        return List.of(new Audit.Counterfactual("model similarity", fmt3(second.similarity()), fmt3(target), becomes,
                "if " + second.model() + "'s overall similarity were " + fmt3(target) + " or higher (now " + fmt3(second.similarity()) + "; above "
                        + chosen.model() + "'s " + fmt3(chosen.similarity()) + ") this becomes " + becomes));
    }

    /**
     * Several models: the confidence of another model's source classifier on the target (its mean maximum probability) at which
     * the model choice would flip, the next thousandth above the chosen model's. On a close call models.drl takes the model whose
     * classifier is the more confident (models-pick-confident-close-call), so this names what would flip such a call; past a close
     * call the confidence moves nothing and nothing is said. Asked of the most similar model the plan does not use; a real rule
     * evaluation of the edited profile.
     */
    private static List<Audit.Counterfactual> confidence(Recommender r, List<DatasetProfile> profiles, Recommender.Request req, Plan base) {
        if (profiles.size() < 2 || profiles.stream().anyMatch(p -> p.sourceView() == null)) {
            return List.of();
        }
        DatasetProfile chosen = anchor(profiles, base);
        DatasetProfile other = runnerUp(profiles, chosen);
        double now = other.sourceView().meanMaxSoftmax();
        double target = nextThousandth(chosen.sourceView().meanMaxSoftmax());
        String becomes = target > 1 || target <= now ? null : flipped(r, profiles, req, base, other, ProfileEdits.withConfidence(other, target));
        if (becomes == null) {
            return List.of();
        }
        return List.of(new Audit.Counterfactual("model confidence", fmt3(now), fmt3(target), becomes,
                "if " + other.model() + "'s source classifier were more confident on the target (mean top probability " + fmt3(target) + " or higher, now "
                        + fmt3(now) + "; above " + chosen.model() + "'s " + fmt3(chosen.sourceView().meanMaxSoftmax()) + ") this becomes " + becomes));
    }

    /** The most similar model other than {@code chosen}: the one whose evidence would have to move to flip the model choice. */
    private static DatasetProfile runnerUp(List<DatasetProfile> profiles, DatasetProfile chosen) {
        return profiles.stream().filter(p -> p != chosen).max(java.util.Comparator.comparingDouble(DatasetProfile::similarity)).orElseThrow();
    }

    /** The next thousandth above {@code v} (0.8973 -> 0.898, 0.690 -> 0.691): the smallest step three decimals can show. */
    private static double nextThousandth(double v) {
        return (Math.floor(v * 1000 + 1e-9) + 1) / 1000;
    }

    /** The model choice with {@code edited} in place of {@code original}, a real rule evaluation; null where it stays as it is. */
    private static String flipped(Recommender r, List<DatasetProfile> profiles, Recommender.Request req, Plan base, DatasetProfile original,
                                  DatasetProfile edited) {
        String becomes = choice(r.decide(map(profiles, p -> p == original ? edited : p), req).plan());
        return becomes.equals(choice(base)) ? null : becomes;
    }

    /**
     * The profiles with model {@code anchor}'s overall similarity at {@code to}, every other model's moved by as much (clamped to
     * [0, 1]): the domain moves, and the models' order by similarity stays.
     */
    static List<DatasetProfile> moved(List<DatasetProfile> ps, String anchor, double from, double to) {
        return map(ps, p -> ProfileEdits.withSimilarity(p, p.model().equals(anchor) ? to : Math.max(0, Math.min(1, p.similarity() + (to - from)))));
    }

    /** The profile of the one model the plan uses, or the first profile when the plan ensembles several models (or names none). */
    static DatasetProfile anchor(List<DatasetProfile> ps, Plan base) {
        if (Recommender.ofSeveralModels(base) || base.models() == null || base.models().isEmpty()) {
            return ps.get(0);
        }
        return ps.stream().filter(p -> p.model().equals(base.models().get(0))).findFirst().orElse(ps.get(0));
    }

    /** The model choice a plan makes, as the model counterfactuals name it: the ensemble of models, or the plan on its one model. */
    private static String choice(Plan p) {
        return Recommender.signature(p) + (Recommender.ofSeveralModels(p) ? "" : " on " + p.models().get(0));
    }

    static List<DatasetProfile> map(List<DatasetProfile> ps, UnaryOperator<DatasetProfile> f) {
        return ps.stream().map(f).toList();
    }

    static String sig(Recommender r, List<DatasetProfile> ps, Recommender.Request req) {
        return Recommender.signature(r.decide(ps, req).plan());
    }

    /** Nearest integer where the signature differs from base, searching up or down; null if none within range. */
    static Integer searchInt(int start, boolean up, int min, Function<Integer, String> sigAt, String baseSig) {
        int same = start;
        Integer diff = null;
        double f = 1;
        for (int i = 0; i < MAX_STEPS; i++) {
            f *= STEP;
            // long, then capped: x1.5^14 of a large what-if count would overflow an int
            int n = (int) Math.min(ProfileEdits.MAX_IMAGES, up ? Math.round(start * f) : Math.round(start / f));
            if (!up && n < min) {
                n = min;
            }
            if (n == same || (up && n <= same)) {
                break;
            }
            if (!sigAt.apply(n).equals(baseSig)) {
                diff = n;
                break;
            }
            same = n;
            if (!up && n == min) {
                break;
            }
        }
        if (diff == null) {
            return null;
        }
        int lo = same;
        int hi = diff;
        for (int i = 0; i < BISECT * 3 && Math.abs(hi - lo) > 1; i++) {
            int mid = (int) (((long) lo + hi) / 2);
            if (sigAt.apply(mid).equals(baseSig)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static Double searchSimilarity(Recommender r, List<DatasetProfile> profiles, Recommender.Request req, String baseSig,
                                           String anchor, double start, int dir) {
        double same = start;
        Double diff = null;
        for (double s = start + dir * 0.05; s >= -1e-9 && s <= 1 + 1e-9; s += dir * 0.05) {
            double v = Math.max(0, Math.min(1, s));
            if (!sig(r, moved(profiles, anchor, start, v), req).equals(baseSig)) {
                diff = v;
                break;
            }
            same = v;
        }
        if (diff == null) {
            return null;
        }
        double lo = same;
        double hi = diff;
        for (int i = 0; i < BISECT && Math.abs(hi - lo) > 0.005; i++) {
            double mid = (lo + hi) / 2;
            if (sig(r, moved(profiles, anchor, start, mid), req).equals(baseSig)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        // report the value on the 0.01 grid nearest the base that still changes the decision: a threshold
        // on the grid (similarity >= 0.9) is itself the boundary, one step further out is not
        double nearer = dir > 0 ? Math.floor(hi * 100 + 1e-6) / 100 : Math.ceil(hi * 100 - 1e-6) / 100;
        double further = dir > 0 ? Math.ceil(hi * 100 - 1e-6) / 100 : Math.floor(hi * 100 + 1e-6) / 100;
        double rounded = nearer != further && (nearer - start) * dir > 0
                && !sig(r, moved(profiles, anchor, start, nearer), req).equals(baseSig) ? nearer : further;
        return Math.max(0, Math.min(1, rounded));
    }

    static String fmt(int n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}

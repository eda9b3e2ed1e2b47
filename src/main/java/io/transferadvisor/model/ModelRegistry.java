package io.transferadvisor.model;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.util.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds pretrained models by the names used in dataset.yaml: project models (profiles/NAME.json +
 * NAME.zip), DL4J zoo models ("zoo:resnet50", ...), and local files ({@code file: x.zip | x.h5}).
 * The static methods use the installation's profiles/ and cache folders ({@link Home}).
 */
public final class ModelRegistry {
    public static final String ZOO_PREFIX = "zoo:";

    private final Path profilesDir;
    private final Path cacheDir;

    /**
     * @param profilesDir folder of project models (profiles/)
     * @param cacheDir    folder where derived zoo profiles are cached (null: no caching)
     */
    public ModelRegistry(Path profilesDir, Path cacheDir) {
        this.profilesDir = profilesDir;
        this.cacheDir = cacheDir;
    }

    /** The registry of this installation. */
    public static ModelRegistry standard() {
        return new ModelRegistry(Home.profiles(), Home.cache());
    }

    public static SourceModel resolve(DatasetSpec.ModelRef ref) {
        return standard().find(ref);
    }

    public static List<SourceModel> known() {
        return standard().all();
    }

    /** Every model known by name: project models first (sorted), then the zoo in catalogue order. */
    public List<SourceModel> all() {
        List<SourceModel> out = new ArrayList<>(projectModels());
        for (ZooSourceModel.Entry e : ZooSourceModel.ENTRIES) {
            out.add(new ZooSourceModel(e, null, cacheDir));
        }
        return out;
    }

    /** The names {@link #all()} would list, without building anything. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (SourceModel m : projectModels()) {
            names.add(m.name());
        }
        for (ZooSourceModel.Entry e : ZooSourceModel.ENTRIES) {
            names.add(e.name());
        }
        return names;
    }

    /** The model a dataset.yaml reference means; a ModelException with suggestions if there is none. */
    public SourceModel find(DatasetSpec.ModelRef ref) {
        SourceModel m = declared(ref);
        return ref.preprocessing() == null ? m : m.withPreprocessing(ref.preprocessing());
    }

    private SourceModel declared(DatasetSpec.ModelRef ref) {
        if (ref == null || (ref.name() == null && ref.file() == null)) {
            throw new ModelException("model reference is empty; give a name (one of " + String.join(", ", names()) + ") or a file: x.zip / x.h5");
        }
        if (ref.file() != null) {
            if (ref.weights() != null) {
                throw new ModelException("model " + ref.display() + " gives both 'file:' and 'weights:'; 'weights:' is only for zoo: models, a file already holds its weights");
            }
            return new FileSourceModel(ref.name(), ref.file(), ref.randomWeights());
        }
        String name = ref.name().trim();
        if (name.toLowerCase(Locale.ROOT).startsWith(ZOO_PREFIX)) {
            for (ZooSourceModel.Entry e : ZooSourceModel.ENTRIES) {
                if (e.name().equalsIgnoreCase(name)) {
                    return ref.randomWeights() ? ZooSourceModel.random(e, cacheDir) : new ZooSourceModel(e, ref.weights(), cacheDir);
                }
            }
            throw unknown(name);
        }
        if (ref.randomWeights()) {
            throw new ModelException("model '" + name + "' has 'weights: random', which applies to zoo: models and file: models; a project model "
                    + "is its trained weights (train its architecture from scratch with the FROM_SCRATCH strategy instead)");
        }
        if (ref.weights() != null) {
            throw new ModelException("model '" + name + "' has 'weights:', which only applies to zoo: models; project models keep their weights in "
                    + profilesDir + ", other networks are given as 'file:'");
        }
        Path json = profilesDir.resolve(name + ".json");
        if (isSafeName(name) && Files.isRegularFile(json)) {
            return new ProjectSourceModel(json);
        }
        throw unknown(name);
    }

    private ModelException unknown(String name) {
        List<String> names = names();
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : names) {
            for (String form : List.of(candidate, candidate.startsWith(ZOO_PREFIX) ? candidate.substring(ZOO_PREFIX.length()) : candidate)) {
                int d = io.transferadvisor.util.Suggest.distance(name.toLowerCase(Locale.ROOT), form.toLowerCase(Locale.ROOT));
                if (d < bestDistance) {
                    bestDistance = d;
                    best = candidate;
                }
            }
        }
        String suggestion = best != null && bestDistance <= Math.max(2, name.length() / 3) ? "did you mean '" + best + "'? " : "";
        return new ModelException("unknown model '" + name + "'; " + suggestion + "valid: " + String.join(", ", names)
                + " (or 'file:' for a DL4J .zip / Keras .h5); see 'advisor models'");
    }

    private List<SourceModel> projectModels() {
        if (!Files.isDirectory(profilesDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(profilesDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(Path::toString))
                    .map(p -> (SourceModel) new ProjectSourceModel(p))
                    .toList();
        } catch (IOException e) {
            throw new ModelException("cannot list model profiles in " + profilesDir + ": " + e.getMessage() + "; check the folder's permissions", e);
        }
    }

    private static boolean isSafeName(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9._-]*");
    }
}

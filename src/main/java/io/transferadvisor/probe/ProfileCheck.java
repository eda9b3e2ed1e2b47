package io.transferadvisor.probe;

import io.transferadvisor.dataset.DatasetIdentity;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.PlanException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks saved profiles (recommend --profile) against the dataset and models they are used for,
 * so that a profile of other data or another model cannot silently produce a plan.
 *
 * <p>Errors (PlanException, exit 6): the profile's datasetHash differs from the dataset's content
 * hash (computed by the same {@link DatasetLoader} code the probe used, remembered by {@link DatasetIdentity}); its counts or class names
 * differ from the data; its model is not one the dataset.yaml (or --models) names; two profiles are
 * for the same model; a layer is not a candidate cut of the model. Warnings: the dataset's name
 * differs while its content is the same (a rename), or the model cannot be resolved on this
 * machine, so its layers and weights hash could not be checked.
 */
public final class ProfileCheck {
    private ProfileCheck() {}

    /**
     * @param warnings  one line each, for stderr
     * @param modelShas per profile model: the weights' SHA-256, or "unknown (why)"
     */
    public record Result(List<String> warnings, Map<String, String> modelShas) {}

    /**
     * @param spec            the dataset the plan is for
     * @param files           the --profile files, like profiles
     * @param profiles        what they hold
     * @param requestedModels --models (empty: the dataset.yaml's models)
     * @param cacheDir        where the dataset's identity is remembered between runs ({@link DatasetIdentity}); null: always decoded
     */
    public static Result check(DatasetSpec spec, List<Path> files, List<DatasetProfile> profiles, List<String> requestedModels, Path cacheDir) {
        List<String> warnings = new ArrayList<>();
        Map<String, DatasetSpec.ModelRef> allowed = new LinkedHashMap<>();
        if (requestedModels.isEmpty()) {
            for (DatasetSpec.ModelRef ref : spec.models()) {
                allowed.put(ref.display(), ref);
            }
        } else {
            for (String m : requestedModels) {
                allowed.put(m, spec.modelRef(m));
            }
        }
        DatasetIdentity.Identity data = DatasetIdentity.of(spec, cacheDir);
        Map<String, String> shas = new LinkedHashMap<>();
        for (int i = 0; i < profiles.size(); i++) {
            DatasetProfile p = profiles.get(i);
            String f = "profile " + files.get(i);
            if (!p.datasetHash().equals(data.contentHash())) {
                throw new PlanException(f + " was measured on other data: its datasetHash " + shortHash(p.datasetHash())
                        + " is not the content hash " + shortHash(data.contentHash()) + " of " + spec.file().getFileName()
                        + " (images, labels, classes, split or seed differ); re-profile with 'advisor profile " + spec.file().getFileName()
                        + " -o " + files.get(i).getFileName() + " --force', or recommend without --profile");
            }
            if (!data.classNames().equals(p.size().classNames()) || p.size().images() != data.labelledCount()
                    || p.size().trainImages() != data.trainImages()) {
                throw new PlanException(f + " does not describe the data its datasetHash names: it says " + p.size().images() + " images ("
                        + p.size().trainImages() + " for training) in classes " + p.size().classNames() + ", the data has " + data.labelledCount()
                        + " (" + data.trainImages() + ") in " + data.classNames() + "; it was edited: re-create it with 'advisor profile'");
            }
            if (p.dataset() != null && !p.dataset().equals(spec.name())) {
                warnings.add(f + " names dataset '" + p.dataset() + "', the dataset.yaml '" + spec.name()
                        + "'; the content is the same (same hash), so it is used");
            }
            DatasetSpec.ModelRef ref = allowed.get(p.model());
            if (ref == null) {
                throw new PlanException(f + " is for model '" + p.model() + "', which " + (requestedModels.isEmpty()
                        ? spec.file().getFileName() + " does not name (models: " : "--models does not name (given: ")
                        + String.join(", ", allowed.keySet()) + "); give the profile of one of those, or "
                        + (requestedModels.isEmpty() ? "add the model to the dataset.yaml" : "add it to --models"));
            }
            if (shas.containsKey(p.model())) {
                throw new PlanException(f + " is a second profile for model '" + p.model() + "'; give one --profile per model");
            }
            shas.put(p.model(), checkModel(p, f, ref, warnings));
        }
        return new Result(List.copyOf(warnings), shas);
    }

    /** The layers against the model's candidate cuts, when the model resolves here; its weights hash (or why unknown). */
    private static String checkModel(DatasetProfile p, String f, DatasetSpec.ModelRef ref, List<String> warnings) {
        SourceModel m;
        List<String> cuts;
        try {
            m = ModelRegistry.resolve(ref);
            cuts = m.profile().candidateCuts();
        } catch (ModelException e) {
            warnings.add(f + ": model '" + p.model() + "' cannot be resolved here (" + e.getMessage()
                    + "); its layers and weights were not checked");
            return "unknown (" + e.getMessage() + ")";
        }
        for (DatasetProfile.LayerProbe l : p.layers()) {
            if (!cuts.contains(l.layer())) {
                throw new PlanException(f + " has layer '" + l.layer() + "', which is not a candidate cut of model '" + p.model()
                        + "' (cuts: " + String.join(", ", cuts) + "); re-create it with 'advisor profile'");
            }
        }
        return shaOf(m);
    }

    /** The weights' SHA-256, or "unknown (...)" when the model does not record one (zoo weights not downloaded yet). */
    public static String shaOf(SourceModel m) {
        String sha = m.profile().sha256();
        return sha != null ? sha : "unknown (no weights hash recorded for " + m.name() + "; weights expected at " + m.weightsLocation() + ")";
    }

    private static String shortHash(String h) {
        return h.length() > 12 ? h.substring(0, 12) + "..." : h;
    }
}

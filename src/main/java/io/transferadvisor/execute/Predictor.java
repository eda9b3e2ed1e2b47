package io.transferadvisor.execute;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageDecode;
import io.transferadvisor.dataset.ImageFit;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.OutputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/** Classifies new images with a finished run (a single model, or an ensemble's members averaged). */
public final class Predictor {
    private final List<ComputationGraph> models = new ArrayList<>();
    private final List<HeadType> heads = new ArrayList<>();
    private final List<io.transferadvisor.dataset.Preprocessing> preprocessing = new ArrayList<>();
    private final List<String> classes;
    private final InputGeometry geometry;
    private final DatasetSpec.Fit fit;

    /** One image's class probabilities, best first. */
    public record Prediction(String image, List<ClassProbability> top) {}

    public record ClassProbability(String className, double probability) {}

    public Predictor(Path runDir) {
        Path dir = runDir.toAbsolutePath().normalize();
        RunFolder.RunInfo info = RunFolder.readInfo(dir);
        if (info == null || !"finished".equals(info.status())) {
            throw new OutputException(dir + " is not a finished run (no run.json with status finished); train one with 'advisor execute PLAN.yaml -o " + dir + "'");
        }
        this.classes = info.classNames();
        this.fit = info.fit() != null ? info.fit() : new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.AUTO);
        InputGeometry g = info.input();
        if (Files.exists(dir.resolve(Executor.ENSEMBLE_FILE))) {
            for (RunMetrics.Member m : RunFolder.readEnsemble(dir).members()) {
                Path md = dir.resolve(m.folder());
                RunFolder.RunInfo mi = RunFolder.readInfo(md);
                models.add(load(md.resolve(Executor.MODEL_FILE)));
                preprocessing.add(ModelFile.preprocessing(md.resolve(Executor.MODEL_FILE)));
                heads.add(mi == null ? HeadType.SOFTMAX : mi.head());
                if (g == null && mi != null) {
                    g = mi.input();
                }
            }
        } else {
            models.add(load(dir.resolve(Executor.MODEL_FILE)));
            preprocessing.add(ModelFile.preprocessing(dir.resolve(Executor.MODEL_FILE)));
            heads.add(info.head());
        }
        if (g == null) {
            throw new OutputException("run " + dir + " records no input geometry in run.json; rerun it with this version");
        }
        this.geometry = g;
    }

    private static ComputationGraph load(Path zip) {
        // The trained network is a model: missing or corrupt weights are a bad model (exit 4), not an output error.
        if (!Files.isRegularFile(zip)) {
            throw new io.transferadvisor.model.ModelException("model " + zip + " missing; the run did not finish or the folder was edited; "
                    + "re-run it with 'advisor execute PLAN.yaml -o RUN_DIR --force'");
        }
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new io.transferadvisor.model.ModelException("model " + zip + " is corrupt or not a DL4J network zip (" + why
                    + "); re-run the training with 'advisor execute PLAN.yaml -o RUN_DIR --force'", e);
        }
    }

    public List<String> classes() {
        return classes;
    }

    /** Image files named directly, and every image file (by extension) under named folders, sorted. */
    public static List<Path> expand(List<Path> args) {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(Predictor::isImage).sorted(Comparator.comparing(Path::toString)).forEach(out::add);
                } catch (IOException e) {
                    throw new io.transferadvisor.dataset.DatasetException("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else if (Files.exists(p)) {
                throw new io.transferadvisor.dataset.DatasetException("image " + p + " is not a regular file (a pipe, device or socket); give image files or folders");
            } else {
                throw new io.transferadvisor.dataset.DatasetException("image " + p + " not found; give image files or folders of images");
            }
        }
        if (out.isEmpty()) {
            throw new io.transferadvisor.dataset.DatasetException("no images found in " + args + "; accepted extensions: " + ImageDecode.EXTENSIONS);
        }
        return out;
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && ImageDecode.EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** Pixels of an image file fitted to the run's input geometry, as at training time. */
    public float[] pixels(Path image) {
        try {
            ImageDecode.Pixels px = ImageDecode.decode(Files.readAllBytes(image));
            return ImageFit.fit(px.chw(), px.height(), px.width(), px.channels(), geometry, fit);
        } catch (ImageDecode.BadImage e) {
            throw new io.transferadvisor.dataset.DatasetException("image " + image + " unreadable: " + e.getMessage() + "; give a PNG, JPEG, BMP or GIF", e);
        } catch (IOException e) {
            throw new io.transferadvisor.dataset.DatasetException("cannot read " + image + ": " + e.getMessage(), e);
        }
    }

    /** Class probabilities for already-fitted pixel arrays (averaged over ensemble members). */
    public float[][] probabilities(List<float[]> images) {
        int n = images.size();
        int len = geometry.pixels();
        List<float[][]> all = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            // each member as it was trained: its own model's input preprocessing
            float[] flat = new float[n * len];
            for (int i = 0; i < n; i++) {
                System.arraycopy(preprocessing.get(m).apply(images.get(i), geometry.channels()), 0, flat, i * len, len);
            }
            TrainData d = new TrainData.InMemory(flat, geometry.chw(), new int[n]);
            all.add(Training.scores(models.get(m), d, heads.get(m)));
        }
        return EnsembleTraining.average(all);
    }

    /**
     * As {@link #predict(List, int)}, the networks run by remote (a Spark cluster): the images go through
     * each member's network as feature parts whose rows are its outputs, in a scratch cache under
     * scratchRoot that is deleted afterwards.
     */
    public List<Prediction> predict(List<Path> images, int topK, io.transferadvisor.features.RemoteFeaturizer remote, Path scratchRoot) {
        if (remote == null) {
            return predict(images, topK);
        }
        io.transferadvisor.dataset.ImageSet files = io.transferadvisor.dataset.ImageSet.ofFiles(images, fit);
        Path scratch;
        try {
            scratch = Files.createTempDirectory(Files.createDirectories(scratchRoot), "predict-");
        } catch (IOException e) {
            throw new OutputException("cannot create a scratch folder under " + scratchRoot + ": " + e.getMessage(), e);
        }
        try {
            io.transferadvisor.features.FeatureCache cache = new io.transferadvisor.features.FeatureCache(scratch, remote);
            List<float[][]> all = new ArrayList<>();
            for (int m = 0; m < models.size(); m++) {
                ComputationGraph net = models.get(m);
                String outName = net.getConfiguration().getNetworkOutputs().get(0);
                var req = new io.transferadvisor.features.FeatureCache.Request(outName, io.transferadvisor.features.Pooling.NONE);
                int bs = io.transferadvisor.features.FeatureCache.memoryBoundBatch(net, geometry.chw(), 128);
                var r = cache.compute(net, "predict-member-" + m, List.of(req), files.preprocessed(preprocessing.get(m)), geometry, bs, null);
                org.nd4j.linalg.api.ndarray.INDArray o = Training.probabilities(r.get(outName, io.transferadvisor.features.Pooling.NONE), heads.get(m));
                float[][] rows = new float[images.size()][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = o.getRow(i).toFloatVector();
                }
                all.add(rows);
            }
            float[][] probs = EnsembleTraining.average(all);
            List<Prediction> out = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                out.add(ranked(images.get(i).toString(), probs[i], topK));
            }
            return out;
        } finally {
            if (Files.exists(scratch)) {
                io.transferadvisor.util.Trees.deleteTree(scratch);
            }
        }
    }

    private Prediction ranked(String image, float[] probs, int topK) {
        List<ClassProbability> ranked = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            ranked.add(new ClassProbability(classes.get(c), probs[c]));
        }
        ranked.sort(Comparator.comparingDouble(ClassProbability::probability).reversed());
        return new Prediction(image, ranked.subList(0, Math.min(topK, ranked.size())));
    }

    public List<Prediction> predict(List<Path> images, int topK) {
        List<Prediction> out = new ArrayList<>();
        for (int from = 0; from < images.size(); from += 128) {
            List<Path> chunk = images.subList(from, Math.min(images.size(), from + 128));
            List<float[]> px = new ArrayList<>();
            for (Path p : chunk) {
                px.add(pixels(p));
            }
            float[][] probs = probabilities(px);
            for (int i = 0; i < chunk.size(); i++) {
                out.add(ranked(chunk.get(i).toString(), probs[i], topK));
            }
        }
        return out;
    }
}

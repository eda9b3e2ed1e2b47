package io.transferadvisor.probe;

import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;

/** Real data for the shift tests: Fashion-MNIST from the Debian package and the committed fmnist-cnn. */
final class FashionFixtures {
    private FashionFixtures() {}

    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.exists(DIR.resolve("t10k-images-idx3-ubyte.gz")), "Fashion-MNIST (Debian dataset-fashion-mnist) not installed");
        Assumptions.assumeTrue(Files.exists(Path.of("profiles/fmnist-cnn.zip")), "profiles/fmnist-cnn.zip not built yet");
    }

    /** A dataset of t10k images of the given Fashion-MNIST labels (images the source model never trained on). */
    static LoadedDataset fashion(Path dir, String name, List<Integer> classes, int perClass) throws Exception {
        Path yaml = dir.resolve(name + ".yaml");
        Files.writeString(yaml, String.join("\n",
                "version: 1",
                "name: " + name,
                "train:",
                "  format: idx",
                "  images: " + DIR.resolve("t10k-images-idx3-ubyte.gz"),
                "  labels: " + DIR.resolve("t10k-labels-idx1-ubyte.gz"),
                "  classes: " + classes,
                "  per_class: " + perClass,
                "model: fmnist-cnn",
                "seed: 42",
                ""));
        return DatasetLoader.load(SpecReader.read(yaml));
    }

    static SourceModel model(LoadedDataset data) {
        return ModelRegistry.resolve(data.spec().models().get(0));
    }

    static ProbeOptions options(Path cache) {
        return new ProbeOptions(ProbeOptions.DEFAULT_SAMPLE_CAP, 42, 20, 5, 64, cache);
    }

    /** The same dataset with every training image corrupted: Gaussian noise of sd sigma (seeded by the image's identity), optionally inverted. */
    static LoadedDataset corrupted(LoadedDataset d, double sigma, boolean invert) {
        return new LoadedDataset(d.spec(), new Corrupted(d.train(), sigma, invert), d.validation(), d.test(), d.unlabelled(),
                d.contentHash() + "-corrupt-" + sigma + "-" + invert, d.skipped());
    }

    static final class Corrupted implements ImageSet {
        private final ImageSet base;
        private final double sigma;
        private final boolean invert;

        Corrupted(ImageSet base, double sigma, boolean invert) {
            this.base = base;
            this.sigma = sigma;
            this.invert = invert;
        }

        @Override
        public List<String> classNames() {
            return base.classNames();
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public int label(int index) {
            return base.label(index);
        }

        @Override
        public String describe(int index) {
            return base.describe(index);
        }

        @Override
        public float[] pixels(int index, InputGeometry geometry) {
            float[] p = base.pixels(index, geometry);
            Random r = new Random(base.describe(index).hashCode()); // same image, same noise, in any subset
            for (int i = 0; i < p.length; i++) {
                double v = invert ? 1 - p[i] : p[i];
                v += sigma * r.nextGaussian();
                p[i] = (float) Math.max(0, Math.min(1, v));
            }
            return p;
        }

        @Override
        public ImageSet subset(int[] indices) {
            return new Corrupted(base.subset(indices), sigma, invert);
        }
    }
}

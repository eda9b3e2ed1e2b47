package io.transferadvisor.bench.suite;

import io.transferadvisor.synth.Glyphs;

import io.transferadvisor.dataset.DatasetException;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.Idx;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.util.Hashing;
import java.awt.Font;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Builds one suite task at one seed as a {@link LoadedDataset}: the seed decides which Fashion-MNIST
 * images, fonts, shapes and shift draws a run gets, so the three seeds are three draws of the task.
 * Fashion-MNIST train and validation images come from the Debian train file, test images from the
 * t10k file; generated sources draw all three from one seeded stream.
 */
public final class SuiteTasks {
    public static final Path FASHION_DIR = Path.of(System.getProperty("advisor.fashion.dir", "/usr/share/datasets/fashion-mnist"));
    static final List<String> FASHION_NAMES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
            "bag", "ankle-boot");

    private static Idx.Images trainImages;
    private static byte[] trainLabels;
    private static Idx.Images testImages;
    private static byte[] testLabels;

    private SuiteTasks() {}

    /** The task's data at this seed. */
    public static LoadedDataset build(SuiteSpec suite, SuiteSpec.Task task, long seed, Path suiteFile) {
        Random rnd = new Random(seed * 1_000_003L + task.id().hashCode());
        int nClasses = task.classes().size();
        List<String> names = new ArrayList<>();
        for (String c : task.classes()) {
            names.add(className(task, c));
        }
        List<float[]> tr = new ArrayList<>();
        List<Integer> trl = new ArrayList<>();
        List<float[]> va = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        List<float[]> te = new ArrayList<>();
        List<Integer> tel = new ArrayList<>();
        int nVal = Math.max(1, (int) Math.round(task.perClass() * suite.validation()));
        int nTest = task.test(suite);
        List<Font> fonts = "glyphs".equals(task.source())
                ? Glyphs.load(Glyphs.pool(Glyphs.fontFiles(), task.fonts()), String.join("", task.classes())) : List.of();
        if ("glyphs".equals(task.source()) && fonts.isEmpty()) {
            throw new DatasetException("suite task " + task.id() + ": no installed font in pool " + task.fonts() + " can render "
                    + task.classes() + "; install the suite's font packages with scripts/install-deps --test");
        }
        for (int c = 0; c < nClasses; c++) {
            List<float[]> labelled = draw(task, c, task.perClass(), false, rnd, fonts);
            List<float[]> test = draw(task, c, nTest, true, rnd, fonts);
            for (int i = 0; i < labelled.size(); i++) {
                float[] img = Shifts.apply(labelled.get(i), task.shiftOrNone(), rnd);
                if (i < nVal) {
                    va.add(img);
                    val.add(c);
                } else {
                    tr.add(img);
                    trl.add(c);
                }
            }
            for (float[] img : test) {
                te.add(Shifts.apply(img, task.shiftOrNone(), rnd));
                tel.add(c);
            }
        }
        ArrayImageSet train = new ArrayImageSet(task.id() + "/train", names, tr, ints(trl));
        ArrayImageSet validation = new ArrayImageSet(task.id() + "/validation", names, va, ints(val));
        ArrayImageSet testSet = new ArrayImageSet(task.id() + "/test", names, te, ints(tel));
        DatasetSpec.Source src = new DatasetSpec.Source(DatasetSpec.Format.FOLDER, suiteFile, null, task.classes(), null, task.perClass(), 0);
        DatasetSpec spec = new DatasetSpec(suiteFile, task.id(), src, src, new DatasetSpec.Split(0, suite.validation()), null,
                List.of(new DatasetSpec.ModelRef(suite.model(), null, null)), null,
                new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.AUTO), seed,
                new DatasetSpec.Budget(600, task.epochs()));
        return new LoadedDataset(spec, train, validation, testSet, Optional.empty(), hash(task, seed, train, validation, testSet), List.of());
    }

    /**
     * The results' identity of a task: its definition, plus for glyph tasks the names of the font
     * files its pool holds on this machine (other fonts draw other images, so their results are not reused).
     */
    public static String identity(SuiteSpec suite, SuiteSpec.Task task) {
        String h = task.hash(suite);
        if (!"glyphs".equals(task.source())) {
            return h;
        }
        StringBuilder names = new StringBuilder();
        for (Path f : Glyphs.pool(Glyphs.fontFiles(), task.fonts())) {
            names.append(f.getFileName()).append('\n');
        }
        return h + "-f" + Hashing.sha256(names.toString()).substring(0, 8);
    }

    static String className(SuiteSpec.Task task, String c) {
        return switch (task.source()) {
            case "fashion" -> FASHION_NAMES.get(fashionLabel(task, c));
            case "glyphs" -> Character.isLetterOrDigit(c.charAt(0)) ? "glyph-" + c : String.format(Locale.ROOT, "glyph-u%04x", (int) c.charAt(0));
            default -> c;
        };
    }

    static int fashionLabel(SuiteSpec.Task task, String c) {
        try {
            int v = Integer.parseInt(c);
            if (v < 0 || v > 9) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new DatasetException("suite task " + task.id() + ": fashion class '" + c + "' is not a label 0-9");
        }
    }

    private static List<float[]> draw(SuiteSpec.Task task, int c, int n, boolean test, Random rnd, List<Font> fonts) {
        List<float[]> out = new ArrayList<>(n);
        switch (task.source()) {
            case "fashion" -> {
                loadFashion();
                int label = fashionLabel(task, task.classes().get(c));
                Idx.Images images = test ? testImages : trainImages;
                byte[] labels = test ? testLabels : trainLabels;
                List<Integer> pool = new ArrayList<>();
                for (int i = 0; i < labels.length; i++) {
                    if (labels[i] == label) {
                        pool.add(i);
                    }
                }
                if (pool.size() < n) {
                    throw new DatasetException("suite task " + task.id() + ": asks for " + n + " images of Fashion-MNIST class " + label
                            + " from the " + (test ? "t10k" : "train") + " file, which has " + pool.size());
                }
                java.util.Collections.shuffle(pool, rnd);
                int px = images.pixelsPerImage();
                for (int k = 0; k < n; k++) {
                    float[] img = new float[px];
                    int off = pool.get(k) * px;
                    for (int i = 0; i < px; i++) {
                        img[i] = (images.pixels()[off + i] & 0xff) / 255f;
                    }
                    out.add(img);
                }
            }
            case "glyphs" -> {
                char ch = task.classes().get(c).charAt(0);
                for (int k = 0; k < n; k++) {
                    out.add(Glyphs.render(ch, fonts, rnd));
                }
            }
            case "shapes" -> {
                for (int k = 0; k < n; k++) {
                    out.add(Shapes.render(task.classes().get(c), rnd));
                }
            }
            default -> throw new IllegalStateException(task.source());
        }
        return out;
    }

    private static synchronized void loadFashion() {
        if (trainImages == null) {
            trainImages = Idx.readImages(FASHION_DIR.resolve("train-images-idx3-ubyte.gz"));
            trainLabels = Idx.readLabels(FASHION_DIR.resolve("train-labels-idx1-ubyte.gz"));
            testImages = Idx.readImages(FASHION_DIR.resolve("t10k-images-idx3-ubyte.gz"));
            testLabels = Idx.readLabels(FASHION_DIR.resolve("t10k-labels-idx1-ubyte.gz"));
        }
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** SHA-256 over the task identity, the seed and every image's pixels and label: the dataset identity in profiles. */
    private static String hash(SuiteSpec.Task task, long seed, ArrayImageSet... sets) {
        MessageDigest d = Hashing.sha256();
        d.update((task.id() + "|" + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(ArrayImageSet.SIDE * ArrayImageSet.SIDE * 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        for (ArrayImageSet s : sets) {
            for (int i = 0; i < s.size(); i++) {
                b.clear();
                for (float f : s.raw(i)) {
                    b.putFloat(f);
                }
                b.putInt(s.label(i));
                d.update(b.array(), 0, b.position());
            }
        }
        return Hashing.hex(d);
    }
}

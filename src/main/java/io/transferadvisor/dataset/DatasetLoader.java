package io.transferadvisor.dataset;

import io.transferadvisor.util.Suggest;

import io.transferadvisor.util.Hashing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns a {@link DatasetSpec} into streamed, split {@link ImageSet}s.
 *
 * <ul>
 *   <li>IDX: the files are read once; only the selected images' bytes are kept.</li>
 *   <li>Folders: one subfolder per class; files are read one at a time to check the header size,
 *       decode once, and hash; pixels are decoded again on each {@code pixels()} call.</li>
 *   <li>per_class: a seeded random subsample per class, taken before hold-outs.</li>
 *   <li>Splits: per class, seeded: validation (and test, when no test set is given) are held out
 *       of train; at least one image per class in each held-out set when its fraction is > 0.</li>
 *   <li>Corrupt files: skipped with path and reason, as long as at most {@link #BAD_FRACTION} of a
 *       source's examined files (and at least 1) are bad; beyond that the load fails.</li>
 * </ul>
 * Problems are reported like the spec's: {@code dataset.yaml:LINE: key: message}, all at once.
 * <p>
 * Why over 400 lines: the two source formats, the subsample, the hold-outs and the corrupt-file
 * policy feed one list of problems reported together with their YAML lines; split apart, each part
 * would need that reporting threaded through it.
 */
public final class DatasetLoader {
    private DatasetLoader() {}

    /** A source may have this fraction of unreadable files skipped (but always at least one). */
    public static final double BAD_FRACTION = 0.05;

    public static LoadedDataset load(DatasetSpec spec) {
        return new Run(spec).load();
    }

    /** Selected images of one source, as one ImageSet, with per-class indices and item digests. */
    private record Pool(ImageSet all, List<String> classNames, List<int[]> byClass, byte[][] digests, List<String> identities) {}

    private static final class Run {
        private final DatasetSpec spec;
        private final KeyLines lines;
        private final List<SpecProblem> problems = new ArrayList<>();
        private final List<String> skipped = new ArrayList<>();

        Run(DatasetSpec spec) {
            this.spec = spec;
            this.lines = SpecReader.linesOf(spec.file());
        }

        private void problem(String key, String message) {
            problems.add(new SpecProblem(lines.lineOf(key), key, message));
        }

        private void failIfProblems() {
            if (!problems.isEmpty()) {
                throw SpecProblem.exception(spec.file(), problems);
            }
        }

        LoadedDataset load() {
            Pool train = labelled("train", spec.train(), spec.train().classes(), spec.train().rename(), null);
            failIfProblems();
            Pool test = null;
            if (spec.test() != null) {
                DatasetSpec.Source t = spec.test();
                test = labelled("test", t, t.classes().isEmpty() ? spec.train().classes() : t.classes(),
                        t.rename().isEmpty() ? spec.train().rename() : t.rename(), train.classNames());
            }
            failIfProblems();
            // Stratified, seeded hold-outs from train.
            double val = spec.split().validation();
            double tst = test == null ? spec.split().test() : 0;
            for (int c = 0; c < train.classNames().size(); c++) {
                int n = train.byClass().get(c).length;
                if (!Splits.fits(n, val, tst)) {
                    int nVal = Splits.holdOut(n, val);
                    int nTest = Splits.holdOut(n, tst);
                    problem("split", "class '" + train.classNames().get(c) + "' has " + n + " images: too few to hold out "
                            + nVal + " for validation" + (nTest > 0 ? " and " + nTest + " for test" : "")
                            + " and keep one to train; add images or lower the split fractions");
                }
            }
            failIfProblems();
            Splits.Result split = Splits.stratified(train.byClass(), val, tst, random("split"));
            int[] trainIdx = split.train();
            int[] valIdx = split.validation();
            int[] testIdx = split.test();
            ImageSet trainSet = train.all().subset(trainIdx);
            ImageSet valSet = train.all().subset(valIdx);
            ImageSet testSet = test != null ? test.all() : train.all().subset(testIdx);
            Optional<ImageSet> unlabelled = Optional.empty();
            Pool unl = null;
            if (spec.unlabelled() != null) {
                unl = unlabelled(spec.unlabelled());
                failIfProblems();
                unlabelled = Optional.of(unl.all());
            }
            // Content hash: class names, then each set's items in order (identity, label, bytes digest).
            MessageDigest d = Hashing.sha256();
            update(d, "classes=" + String.join("\u0000", train.classNames()));
            hashSet(d, "train", train, trainIdx);
            hashSet(d, "validation", train, valIdx);
            if (test != null) {
                hashSet(d, "test", test, IdxImageSet.identity(test.all().size()));
            } else {
                hashSet(d, "test", train, testIdx);
            }
            if (unl != null) {
                hashSet(d, "unlabelled", unl, IdxImageSet.identity(unl.all().size()));
            }
            return new LoadedDataset(spec, trainSet, valSet, testSet, unlabelled, Hashing.hex(d), skipped);
        }

        private static void hashSet(MessageDigest d, String section, Pool pool, int[] idx) {
            update(d, "\u0001" + section + "\u0001" + idx.length);
            for (int i : idx) {
                int label = pool.all().label(i);
                update(d, pool.identities().get(i) + "\u0000" + (label < 0 ? "" : pool.classNames().get(label)));
                d.update(pool.digests()[i]);
            }
        }

        private static void update(MessageDigest d, String s) {
            d.update(s.getBytes(StandardCharsets.UTF_8));
        }

        private Random random(String purpose) {
            return new Random(spec.seed() * 1_000_003L + purpose.hashCode());
        }

        // ---------------------------------------------------------------- labelled sources

        /**
         * Reads a labelled source. expected: train's class names when this is the test set (the
         * test set's classes must be the same set, and are indexed like train's), else null.
         */
        private Pool labelled(String key, DatasetSpec.Source src, List<String> filter, Map<String, String> rename,
                              List<String> expected) {
            // 1. what is there: original class name -> candidate items (IDX indices or files), in storage order
            Map<String, List<Integer>> idxItems = null;
            Map<String, List<Path>> fileItems = null;
            Idx.Images images = null;
            List<String> available;
            if (src.format() == DatasetSpec.Format.IDX) {
                images = Idx.readImages(src.path());
                byte[] labels = Idx.readLabels(src.labels());
                if (labels.length != images.count()) {
                    problem(key + ".labels", "has " + labels.length + " labels but " + key + ".images has "
                            + images.count() + " images; give the matching pair of files");
                    return null;
                }
                TreeMap<Integer, List<Integer>> byValue = new TreeMap<>();
                for (int i = 0; i < labels.length; i++) {
                    byValue.computeIfAbsent(labels[i] & 0xff, k -> new ArrayList<>()).add(i);
                }
                idxItems = new LinkedHashMap<>();
                for (var e : byValue.entrySet()) {
                    idxItems.put(String.valueOf(e.getKey()), e.getValue());
                }
                available = new ArrayList<>(idxItems.keySet());
            } else {
                fileItems = classFolders(key, src.path());
                available = new ArrayList<>(fileItems.keySet());
            }
            // 2. class filter
            List<String> selected = new ArrayList<>();
            if (filter.isEmpty()) {
                selected.addAll(available);
            } else {
                for (int i = 0; i < filter.size(); i++) {
                    String c = filter.get(i);
                    if (available.contains(c)) {
                        selected.add(c);
                    } else {
                        String k = (src == spec.test() && spec.test().classes().isEmpty() ? "train" : key) + ".classes[" + i + "]";
                        problem(k, "class '" + c + "' not found in " + where(key, src) + "; available: "
                                + abbreviate(available) + Suggest.didYouMean(c, available));
                    }
                }
            }
            // 3. renames
            for (String from : rename.keySet()) {
                if (!selected.contains(from) && available.contains(from) == false) {
                    String owner = src == spec.test() && spec.test().rename().isEmpty() ? "train" : key;
                    problem(owner + ".rename." + from, "renames class '" + from + "', which is not among the classes "
                            + abbreviate(selected) + Suggest.didYouMean(from, selected));
                }
            }
            List<String> names = new ArrayList<>();
            for (String c : selected) {
                String n = rename.getOrDefault(c, c);
                if (names.contains(n)) {
                    problem(key + ".rename", "two classes would be named '" + n + "'; give each class its own name");
                }
                names.add(n);
            }
            if (!problems.isEmpty()) {
                return null;
            }
            // 4. counts
            if (selected.size() < 2) {
                problem(key + (src.format() == DatasetSpec.Format.IDX ? ".labels" : ".path"), "only one class ("
                        + (selected.isEmpty() ? "none" : "'" + selected.get(0) + "'") + ") found in " + where(key, src)
                        + "; a classifier needs at least 2 classes"
                        + (src.format() == DatasetSpec.Format.FOLDER ? " (one subfolder of images per class)" : ""));
                return null;
            }
            for (String c : selected) {
                int n = idxItems != null ? idxItems.get(c).size() : fileItems.get(c).size();
                if (n == 0) {
                    problem(key + ".path", "class folder '" + c + "' is empty (no PNG, JPEG, BMP or GIF files); add images or leave it out of "
                            + key + ".classes");
                } else if (n < 2) {
                    problem(key + (src.format() == DatasetSpec.Format.IDX ? ".labels" : ".path"), "class '" + c + "' has 1 image;"
                            + " each class needs at least 2 (one to train, one to check); add images or leave it out of " + key + ".classes");
                }
            }
            if (src.perClass() > 0) {
                int min = Integer.MAX_VALUE;
                String minClass = null;
                for (String c : selected) {
                    int n = idxItems != null ? idxItems.get(c).size() : fileItems.get(c).size();
                    if (n < min) {
                        min = n;
                        minClass = c;
                    }
                }
                if (src.perClass() > min && min >= 2) {
                    problem(key + ".per_class", src.perClass() + " is more than the " + min + " images of class '" + minClass
                            + "'; allowed 2.." + min + " (or leave per_class out to take all)");
                }
            }
            if (expected != null) {
                List<String> missing = new ArrayList<>(expected);
                missing.removeAll(names);
                List<String> extra = new ArrayList<>(names);
                extra.removeAll(expected);
                if (!missing.isEmpty() || !extra.isEmpty()) {
                    problem(key, "classes differ from train's: " + (missing.isEmpty() ? "" : "missing " + missing)
                            + (extra.isEmpty() ? "" : (missing.isEmpty() ? "" : ", ") + "extra " + extra)
                            + "; give test the same classes (and rename) as train");
                }
            }
            if (!problems.isEmpty()) {
                return null;
            }
            List<String> classNames = expected != null ? expected : names;
            // 5. seeded per-class selection (verifying files as they are picked)
            Random rnd = random(key + ".select");
            List<int[]> byClass = new ArrayList<>(Collections.nCopies(classNames.size(), (int[]) null));
            if (idxItems != null) {
                List<Integer> chosenIdx = new ArrayList<>();
                List<Integer> chosenLabel = new ArrayList<>();
                for (int s = 0; s < selected.size(); s++) {
                    int[] items = idxItems.get(selected.get(s)).stream().mapToInt(Integer::intValue).toArray();
                    int take = src.perClass() > 0 ? src.perClass() : items.length;
                    if (take < items.length) {
                        io.transferadvisor.util.Shuffle.shuffle(items, rnd);
                        items = Arrays.copyOf(items, take);
                        Arrays.sort(items);
                    }
                    int label = classNames.indexOf(names.get(s));
                    for (int it : items) {
                        chosenIdx.add(it);
                        chosenLabel.add(label);
                    }
                }
                return idxPool(src.path(), images, chosenIdx, chosenLabel, classNames);
            }
            List<Path> files = new ArrayList<>();
            List<Integer> fileLabels = new ArrayList<>();
            List<byte[]> digests = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            int examined = 0;
            List<String> bad = new ArrayList<>();
            for (int s = 0; s < selected.size(); s++) {
                List<Path> candidates = fileItems.get(selected.get(s));
                int take = src.perClass() > 0 ? src.perClass() : candidates.size();
                Readable good = takeReadable(candidates, take, rnd, bad);
                examined += good.examined();
                if (good.files().size() < Math.min(take, 2) || (src.perClass() > 0 && good.files().size() < take)) {
                    problem(key + (src.perClass() > 0 ? ".per_class" : ".path"), "class '" + selected.get(s) + "' has only "
                            + good.files().size() + " readable images" + (src.perClass() > 0 ? " (per_class asks " + take + ")" : "")
                            + "; fix or replace the unreadable files listed");
                }
                int label = classNames.indexOf(names.get(s));
                for (int i = 0; i < good.files().size(); i++) {
                    files.add(good.files().get(i));
                    fileLabels.add(label);
                    digests.add(good.digests().get(i));
                    ids.add(identity(src.path(), good.files().get(i)));
                }
            }
            checkBadFraction(key + ".path", examined, bad);
            int[] labelArr = fileLabels.stream().mapToInt(Integer::intValue).toArray();
            for (int c = 0; c < classNames.size(); c++) {
                final int cc = c;
                byClass.set(c, java.util.stream.IntStream.range(0, labelArr.length).filter(i -> labelArr[i] == cc).toArray());
            }
            return new Pool(new FolderImageSet(files, labelArr, classNames, spec.fit()), classNames, byClass,
                    digests.toArray(new byte[0][]), ids);
        }

        private Pool idxPool(Path file, Idx.Images images, List<Integer> chosen, List<Integer> labels, List<String> classNames) {
            int n = images.pixelsPerImage();
            byte[] bytes = new byte[chosen.size() * n];
            byte[][] digests = new byte[chosen.size()][];
            List<String> ids = new ArrayList<>();
            int[] fileIndex = new int[chosen.size()];
            int[] labelArr = new int[chosen.size()];
            for (int i = 0; i < chosen.size(); i++) {
                int at = chosen.get(i);
                System.arraycopy(images.pixels(), at * n, bytes, i * n, n);
                MessageDigest d = Hashing.sha256();
                d.update(images.pixels(), at * n, n);
                digests[i] = d.digest();
                ids.add("#" + at);
                fileIndex[i] = at;
                labelArr[i] = labels.get(i);
            }
            List<int[]> byClass = new ArrayList<>();
            for (int c = 0; c < classNames.size(); c++) {
                final int cc = c;
                byClass.add(java.util.stream.IntStream.range(0, labelArr.length).filter(i -> labelArr[i] == cc).toArray());
            }
            ImageSet all = new IdxImageSet(file, images.rows(), images.cols(), bytes, fileIndex, labelArr, classNames, spec.fit());
            return new Pool(all, classNames, byClass, digests, ids);
        }

        // ---------------------------------------------------------------- unlabelled

        private Pool unlabelled(DatasetSpec.Source src) {
            Random rnd = random("unlabelled.select");
            if (src.format() == DatasetSpec.Format.IDX) {
                Idx.Images images = Idx.readImages(src.path());
                int[] items = IdxImageSet.identity(images.count());
                if (src.limit() > 0 && src.limit() < items.length) {
                    io.transferadvisor.util.Shuffle.shuffle(items, rnd);
                    items = Arrays.copyOf(items, src.limit());
                    Arrays.sort(items);
                }
                List<Integer> chosen = Arrays.stream(items).boxed().toList();
                List<Integer> labels = Collections.nCopies(chosen.size(), -1);
                return idxPool(src.path(), images, chosen, labels, List.of());
            }
            List<Path> candidates = imageFiles(src.path());
            if (candidates.isEmpty()) {
                problem("unlabelled.path", "no PNG, JPEG, BMP or GIF files directly in " + src.path()
                        + " (unlabelled images go in one flat folder)");
                return null;
            }
            int take = src.limit() > 0 ? Math.min(src.limit(), candidates.size()) : candidates.size();
            List<String> bad = new ArrayList<>();
            Readable good = takeReadable(candidates, take, rnd, bad);
            checkBadFraction("unlabelled.path", good.examined(), bad);
            List<Path> files = good.files();
            List<String> ids = new ArrayList<>();
            byte[][] ds = good.digests().toArray(new byte[0][]);
            for (Path f : files) {
                ids.add(identity(src.path(), f));
            }
            int[] labels = new int[files.size()];
            Arrays.fill(labels, -1);
            return new Pool(new FolderImageSet(files, labels, List.of(), spec.fit()), List.of(), List.of(), ds, ids);
        }

        // ---------------------------------------------------------------- files

        /** Reads, size-checks, decodes and hashes one file; null (and a line in bad) when unusable. */
        /** Readable files in path order, their SHA-256 digests, and how many files were examined to find them. */
        private record Readable(List<Path> files, List<byte[]> digests, int examined) {}

        /**
         * Examines candidates (in seeded random order when only some are taken) until {@code take} are
         * readable, so one bad file does not shrink a class; unreadable ones go to {@code bad}. The result is
         * in path order, independent of the sampling order.
         */
        private Readable takeReadable(List<Path> candidates, int take, Random rnd, List<String> bad) {
            List<Path> pool = new ArrayList<>(candidates);
            if (take < pool.size()) {
                Collections.shuffle(pool, rnd);
            }
            java.util.TreeMap<Path, byte[]> good = new java.util.TreeMap<>();
            int examined = 0;
            for (Path f : pool) {
                if (good.size() == take) {
                    break;
                }
                examined++;
                byte[] digest = check(f, bad);
                if (digest != null) {
                    good.put(f, digest);
                }
            }
            return new Readable(List.copyOf(good.keySet()), List.copyOf(good.values()), examined);
        }

        /** A file's identity in the content hash: its path relative to the source folder, with '/' separators. */
        private static String identity(Path root, Path file) {
            return root.relativize(file).toString().replace('\\', '/');
        }

        private byte[] check(Path f, List<String> bad) {
            try {
                long size = Files.size(f);
                if (size > ImageDecode.MAX_FILE_BYTES) {
                    bad.add(f + ": " + size + " bytes, over the " + (ImageDecode.MAX_FILE_BYTES >> 20) + " MB limit");
                    return null;
                }
                byte[] bytes = Files.readAllBytes(f);
                ImageDecode.decode(bytes);
                MessageDigest d = Hashing.sha256();
                d.update(bytes);
                return d.digest();
            } catch (IOException e) {
                bad.add(f + ": cannot read: " + e.getMessage());
            } catch (ImageDecode.BadImage e) {
                bad.add(f + ": " + e.getMessage());
            }
            return null;
        }

        /** The corrupt-file policy: skip and list, unless more than 5% (and more than one) are bad. */
        private void checkBadFraction(String key, int examined, List<String> bad) {
            if (bad.isEmpty()) {
                return;
            }
            int allowed = Math.max(1, (int) Math.floor(examined * BAD_FRACTION));
            if (bad.size() > allowed) {
                problem(key, bad.size() + " of " + examined + " image files are unusable, more than the " + allowed
                        + " (5%, at least 1) that may be skipped; fix or remove them: " + String.join("; ", bad.subList(0, Math.min(5, bad.size())))
                        + (bad.size() > 5 ? "; ..." : ""));
            } else {
                skipped.addAll(bad);
            }
        }

        private Map<String, List<Path>> classFolders(String key, Path root) {
            Map<String, List<Path>> out = new TreeMap<>();
            try (Stream<Path> s = Files.list(root)) {
                for (Path d : s.sorted().toList()) {
                    if (Files.isDirectory(d) && !d.getFileName().toString().startsWith(".")) {
                        out.put(d.getFileName().toString(), imageFiles(d));
                    }
                }
            } catch (IOException e) {
                throw new DatasetException(root + ": cannot list folder: " + e.getMessage(), e);
            }
            if (out.isEmpty()) {
                problem(key + ".path", "no class subfolders in " + root + "; put each class's images in its own subfolder");
            }
            return out;
        }

        private static List<Path> imageFiles(Path dir) {
            try (Stream<Path> s = Files.list(dir)) {
                return new ArrayList<>(s.filter(Files::isRegularFile)
                        .filter(p -> ImageDecode.isImageName(p.getFileName().toString()))
                        .sorted().toList());
            } catch (IOException e) {
                throw new DatasetException(dir + ": cannot list folder: " + e.getMessage(), e);
            }
        }

        private static String where(String key, DatasetSpec.Source src) {
            return src.format() == DatasetSpec.Format.IDX ? src.labels().getFileName().toString() : src.path().toString();
        }
    }

    static String abbreviate(List<String> names) {
        if (names.size() <= 12) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, 12)) + ", ... (" + names.size() + " in all)";
    }


    static int[] sorted(List<Integer> list) {
        int[] a = list.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        return a;
    }
}

package io.transferadvisor.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Images referenced by path; each call of {@link #pixels} reads and decodes one file, so memory
 * stays flat however large the folder is. Files were checked (header, decode) when loaded.
 */
final class FolderImageSet implements ImageSet {
    private static final long serialVersionUID = 1L;
    private final List<String> files; // paths as text: a Path is not Serializable
    private final int[] labels;
    private final List<String> classNames;
    private final DatasetSpec.Fit fit;
    private final int[] order;
    private final boolean loaded; // checked by the dataset loader (not: files named to predict)

    FolderImageSet(List<Path> files, int[] labels, List<String> classNames, DatasetSpec.Fit fit) {
        this(files, labels, classNames, fit, true);
    }

    FolderImageSet(List<Path> files, int[] labels, List<String> classNames, DatasetSpec.Fit fit, boolean loaded) {
        this(files.stream().map(Path::toString).toList(), labels, classNames, fit, IdxImageSet.identity(files.size()), loaded);
    }

    private FolderImageSet(List<String> files, int[] labels, List<String> classNames, DatasetSpec.Fit fit, int[] order, boolean loaded) {
        if (files.size() != labels.length) {
            throw new IllegalArgumentException("files " + files.size() + " != labels " + labels.length);
        }
        this.files = files;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.fit = fit;
        this.order = order;
        this.loaded = loaded;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int size() {
        return order.length;
    }

    @Override
    public int label(int index) {
        return labels[order[index]];
    }

    @Override
    public String describe(int index) {
        return files.get(order[index]);
    }

    @Override
    public float[] pixels(int index, InputGeometry geometry) {
        Path f = Path.of(files.get(order[index]));
        try {
            ImageDecode.Pixels p = ImageDecode.decode(Files.readAllBytes(f));
            return ImageFit.fit(p.chw(), p.height(), p.width(), p.channels(), geometry, fit);
        } catch (IOException e) {
            throw new DatasetException(f + ": cannot read image: " + e.getMessage()
                    + (loaded ? "; it was readable when the dataset was loaded; was it moved or deleted?" : ""), e);
        } catch (ImageDecode.BadImage e) {
            throw new DatasetException(f + ": " + e.getMessage() + (loaded ? "; it decoded when the dataset was loaded; was it changed?"
                    : "; give a PNG, JPEG, BMP or GIF"), e);
        }
    }

    @Override
    public ImageSet subset(int[] indices) {
        int[] o = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            o[i] = order[indices[i]];
        }
        return new FolderImageSet(files, labels, classNames, fit, o, loaded);
    }
}

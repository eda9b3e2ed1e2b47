package io.transferadvisor.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 1,000 ImageNet ILSVRC-2012 class names in class-index order, bundled as
 * {@value #RESOURCE} (written by scripts/imagenet-classes from Debian's python3-torchvision,
 * BSD-3-Clause, with its notice): the source-head view of an ImageNet zoo model names "tench" and
 * "goldfish" instead of output units 0 and 1, with no network.
 */
public final class ImageNetClasses {
    private ImageNetClasses() {}

    public static final String RESOURCE = "imagenet-classes.txt";
    public static final int COUNT = 1000;

    private static volatile List<String> names;

    /** A fresh mutable copy of the names (index = output unit). */
    public static List<String> names() {
        List<String> n = names;
        if (n == null) {
            n = read();
            names = n;
        }
        return new ArrayList<>(n);
    }

    private static List<String> read() {
        try (InputStream in = ImageNetClasses.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the jar (a broken build)");
            }
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    out.add(line.strip());
                }
            }
            if (out.size() != COUNT) {
                throw new IllegalStateException(RESOURCE + " has " + out.size() + " names, expected " + COUNT);
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}

package io.transferadvisor.probe;

import io.transferadvisor.dataset.ImageSet;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Image sizes and channel counts as stored, read from file headers only (IDX header; ImageIO's
 * header fields for PNG/JPEG/...), never decoding pixels.
 */
final class GeometryScan {
    private GeometryScan() {}

    /** What was found; ranges are [min, max]; unreadable headers are counted, not fatal. */
    record Found(int minH, int maxH, int minW, int maxW, TreeSet<Integer> channels, int scanned, int unreadable) {}

    static Found scan(Iterable<ImageSet> sets) {
        int minH = Integer.MAX_VALUE;
        int maxH = 0;
        int minW = Integer.MAX_VALUE;
        int maxW = 0;
        TreeSet<Integer> channels = new TreeSet<>();
        Map<Path, int[]> idxHeaders = new HashMap<>();
        int scanned = 0;
        int unreadable = 0;
        for (ImageSet set : sets) {
            for (int i = 0; i < set.size(); i++) {
                String where = set.describe(i);
                int[] hwc;
                int hash = where.lastIndexOf('#');
                if (hash > 0 && where.substring(hash + 1).chars().allMatch(Character::isDigit)
                        && Files.isRegularFile(Path.of(where.substring(0, hash)))) {
                    hwc = idxHeaders.computeIfAbsent(Path.of(where.substring(0, hash)), GeometryScan::idxHeader);
                } else {
                    hwc = imageHeader(Path.of(where));
                }
                scanned++;
                if (hwc == null) {
                    unreadable++;
                    continue;
                }
                minH = Math.min(minH, hwc[0]);
                maxH = Math.max(maxH, hwc[0]);
                minW = Math.min(minW, hwc[1]);
                maxW = Math.max(maxW, hwc[1]);
                channels.add(hwc[2]);
            }
        }
        if (minH == Integer.MAX_VALUE) {
            minH = 0;
            minW = 0;
        }
        return new Found(minH, maxH, minW, maxW, channels, scanned, unreadable);
    }

    private static int[] idxHeader(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw) : raw;
            DataInputStream d = new DataInputStream(in);
            d.readInt(); // magic (checked by the loader)
            d.readInt(); // count
            return new int[] {d.readInt(), d.readInt(), 1};
        } catch (IOException e) {
            return null;
        }
    }

    private static int[] imageHeader(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                int h = r.getHeight(0);
                int w = r.getWidth(0);
                int bands = r.getImageTypes(0).next().getNumBands();
                // grey+alpha counts as grey, RGBA as RGB: the loader drops alpha
                int c = bands >= 3 ? 3 : 1;
                return new int[] {h, w, c};
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

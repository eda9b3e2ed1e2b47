package io.transferadvisor.execute;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.Prefetch;
import java.util.concurrent.Future;

/**
 * Images decoded from the dataset batch by batch, never held all at once: memory is one batch
 * being used plus one being prefetched, whatever the split's size. Callers read batches in order
 * (training epochs, evaluation), so after each batch the next one of the same size and order is
 * decoded on a background thread while the network works on this one. A call that does not match
 * the prefetched batch decodes its own; the floats are the same either way.
 */
final class StreamedImages implements TrainData {
    private final ImageSet set;
    private final InputGeometry geometry;
    private final int[] labels;
    private Ahead ahead;

    private record Ahead(int[] idx, int from, int to, Future<float[]> rows) {}

    StreamedImages(ImageSet set, InputGeometry geometry) {
        this.set = set;
        this.geometry = geometry;
        this.labels = new int[set.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = set.label(i);
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public long[] rowShape() {
        return geometry.chw();
    }

    @Override
    public synchronized float[] rows(int[] idx, int from, int to) {
        float[] out;
        Ahead a = ahead;
        ahead = null;
        if (a != null && a.idx() == idx && a.from() == from && a.to() == to) {
            out = Prefetch.await(a.rows());
        } else {
            if (a != null) {
                a.rows().cancel(false);
            }
            out = decode(idx, from, to);
        }
        int next = Math.min(size(), to + (to - from));
        if (to < next) {
            ahead = new Ahead(idx, to, next, Prefetch.submit(() -> decode(idx, to, next)));
        }
        return out;
    }

    private float[] decode(int[] idx, int from, int to) {
        int len = geometry.pixels();
        float[] out = new float[(to - from) * len];
        for (int i = from; i < to; i++) {
            System.arraycopy(set.fittedPixels(idx == null ? i : idx[i], geometry), 0, out, (i - from) * len, len);
        }
        return out;
    }
}

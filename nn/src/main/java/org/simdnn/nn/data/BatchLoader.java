package org.simdnn.nn.data;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Minibatches of a {@link Dataset} as normalised float NHWC tensors, optionally shuffled and augmented,
 * with the next batch prepared on a background thread while the caller trains on the current one.
 *
 * <p>Determinism: the order of epoch {@code e} is a Fisher–Yates shuffle drawn from
 * {@code seed} and {@code e} alone, and the augmentation of batch {@code b} from {@code (seed, e, b)} alone, so
 * a run resumed at any epoch sees exactly the batches an uninterrupted run would, whichever thread prepares
 * them. The last batch of an epoch is smaller when the batch size does not divide the set.
 *
 * <p>Memory: two batch buffers (images and labels) are allocated once and reused; nothing is allocated per
 * sample or per batch. A {@link Batch} stays valid until the following {@link #next()}.
 */
public final class BatchLoader implements AutoCloseable {
    /** One minibatch: {@code images} is [size, h, w, c] NHWC, {@code labels} has exactly {@code size} entries. */
    public record Batch(Tensor images, int[] labels, int size, int index) {}

    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final Augmentation augment;
    private final float[] lut;
    private final int[] order;
    private final Slot[] slots = new Slot[2];
    private final ExecutorService prefetcher;
    private Future<?> pending;
    private int epoch = -1, nextBatch, batches;

    /** One reusable buffer: full-size and (lazily) last-batch views over the same arrays. */
    private final class Slot {
        final float[] x;
        final int[] y;
        final Batch full;
        Batch partial;
        int index = -1;

        Slot() {
            x = new float[batchSize * data.imageSize()];
            y = new int[batchSize];
            full = new Batch(Tensor.wrap(x, 0, Layout.NHWC, batchSize, data.height(), data.width(), data.channels()),
                    y, batchSize, -1);
        }
    }

    /**
     * @param prefetch prepare the next batch on a background (daemon) thread; false prepares it in {@link #next()}
     *                 (same batches, bit for bit)
     */
    public BatchLoader(Dataset data, int batchSize, boolean shuffle, long seed, Augmentation augment,
                       Normalization norm, boolean prefetch) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.data = data;
        this.batchSize = Math.min(batchSize, data.size());
        this.shuffle = shuffle;
        this.seed = seed;
        this.augment = augment;
        this.lut = norm.lookupTable();
        this.order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = 0; i < slots.length; i++) slots[i] = new Slot();
        this.prefetcher = prefetch ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "simdnn-prefetch");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    public Dataset dataset() { return data; }
    public int batchSize() { return batchSize; }
    /** Batches per epoch, counting a last smaller one. */
    public int batchesPerEpoch() { return (data.size() + batchSize - 1) / batchSize; }

    /** Starts epoch {@code e} (0-based): draws its order and begins preparing its first batch. */
    public void startEpoch(int e) {
        if (e < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + e);
        await();
        epoch = e;
        nextBatch = 0;
        batches = batchesPerEpoch();
        epochOrder(order, shuffle, seed, e);
        for (Slot s : slots) s.index = -1;
        schedule(0);
    }

    public boolean hasNext() { return epoch >= 0 && nextBatch < batches; }

    /** The next batch of the current epoch; the previous one's buffers are reused from now on. */
    public Batch next() {
        if (!hasNext()) throw new IllegalStateException(epoch < 0 ? "call startEpoch first" : "epoch " + epoch + " is over");
        int b = nextBatch++;
        Slot s = slots[b & 1];
        await();
        if (s.index != b) fill(s, b); // no prefetch (or it was not scheduled)
        if (nextBatch < batches) schedule(nextBatch);
        int size = Math.min(batchSize, data.size() - b * batchSize);
        if (size == batchSize) return new Batch(s.full.images(), s.y, size, b);
        if (s.partial == null || s.partial.size() != size) {
            s.partial = new Batch(Tensor.wrap(s.x, 0, Layout.NHWC, size, data.height(), data.width(), data.channels()),
                    new int[size], size, b);
        }
        System.arraycopy(s.y, 0, s.partial.labels(), 0, size);
        return new Batch(s.partial.images(), s.partial.labels(), size, b);
    }

    private void schedule(int b) {
        if (prefetcher == null) return;
        Slot s = slots[b & 1];
        pending = prefetcher.submit(() -> fill(s, b));
    }

    private void await() {
        if (pending == null) return;
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("preparing a batch of " + data.name() + " failed: " + e.getCause(), e.getCause());
        } finally {
            pending = null;
        }
    }

    /** Copies (and augments) batch {@code b} of the current epoch into slot {@code s}. */
    private void fill(Slot s, int b) {
        int from = b * batchSize, size = Math.min(batchSize, data.size() - from);
        int h = data.height(), w = data.width(), c = data.channels(), px = data.imageSize();
        byte[] pix = data.pixels();
        int[] labels = data.labels();
        float[] x = s.x;
        SplittableRandom r = augment.isNone() ? null : new SplittableRandom(mix(seed, epoch, b));
        int pad = augment.cropPadding();
        for (int j = 0; j < size; j++) {
            int idx = order[from + j], src = idx * px, dst = j * px;
            s.y[j] = labels[idx];
            if (r == null) {
                for (int p = 0; p < px; p++) x[dst + p] = lut[pix[src + p] & 0xff];
                continue;
            }
            int dy = pad > 0 ? r.nextInt(2 * pad + 1) - pad : 0;
            int dx = pad > 0 ? r.nextInt(2 * pad + 1) - pad : 0;
            boolean flip = augment.flipProbability() > 0 && r.nextFloat() < augment.flipProbability();
            float background = lut[0];
            for (int yy = 0; yy < h; yy++) {
                int sy = yy + dy;
                for (int xx = 0; xx < w; xx++) {
                    int sx = (flip ? w - 1 - xx : xx) + dx;
                    int o = dst + (yy * w + xx) * c;
                    if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
                        for (int ch = 0; ch < c; ch++) x[o + ch] = background;
                    } else {
                        int i = src + (sy * w + sx) * c;
                        for (int ch = 0; ch < c; ch++) x[o + ch] = lut[pix[i + ch] & 0xff];
                    }
                }
            }
        }
        s.index = b;
    }

    /**
     * Fills {@code order} with the sample order of epoch {@code epoch}: the identity, or when {@code shuffle} a
     * Fisher–Yates shuffle drawn from (seed, epoch) alone. Public so that a loader elsewhere (one shard of the
     * data on a Spark executor) can visit its samples exactly as this loader would.
     */
    public static void epochOrder(int[] order, boolean shuffle, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (!shuffle) return;
        SplittableRandom r = new SplittableRandom(mix(seed, epoch, -1));
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A 64-bit mix of the seed, the epoch and the batch (SplitMix64 finaliser), so nearby seeds differ. */
    static long mix(long seed, long epoch, long batch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + batch * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        try {
            await();
        } finally {
            if (prefetcher != null) prefetcher.shutdownNow();
        }
    }
}

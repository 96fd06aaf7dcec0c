package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.kernels.cpu.Parallel;

/** Small loops shared by the implementations. */
final class ConvUtil {
    /**
     * Batch reductions (backward weights) keep one partial sum per fixed chunk of images, at most this many.
     * Chunk boundaries depend only on the batch and the partial's size, never on the thread count or on which
     * thread runs a chunk, and the partials are added in chunk order: the result is the same bits on every run
     * and for every thread count. 16 chunks keep up to 16 threads busy; adding them costs 16 passes over dW,
     * noise next to the convolution (a 3x3x32x32 dW is 9k floats against 14 MFLOP per 28x28 image).
     */
    static final int MAX_CHUNKS = 16;
    /** At least this many chunks (where the batch allows), so that large dW still runs on several threads. */
    static final int MIN_CHUNKS = 4;
    /** Floats of partial sums above which fewer than {@link #MAX_CHUNKS} chunks are used (16 MiB). */
    static final int PARTIAL_BUDGET = 4 << 20;
    /** Elements per thread range when the partials are added (split by element: each keeps its order). */
    private static final int SUM_GRAIN = 1 << 14;

    private ConvUtil() {}

    /** Chunks of a reduction over n images with partials of partialSize floats; independent of threads. */
    static int batchChunks(int n, int partialSize) {
        long byMemory = PARTIAL_BUDGET / Math.max(1, partialSize);
        int c = (int) Math.min(MAX_CHUNKS, Math.max(MIN_CHUNKS, byMemory));
        return Math.max(1, Math.min(n, c));
    }

    /** First image of chunk c of n images in chunks chunks (chunk c is [start(c), start(c + 1))). */
    static int chunkStart(int n, int chunks, int c) { return (int) ((long) n * c / chunks); }

    /** A body over images [from, to) whose partial sums go to slot {@code chunk}. */
    @FunctionalInterface
    interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    /**
     * Runs body on each chunk of [0, n) exactly once, the chunks spread over {@link Parallel}'s threads. Which
     * thread runs a chunk varies; what a chunk covers does not, so a body that starts its partial from zero
     * computes the same bits wherever it runs (also when the workers are busy and one thread runs them all).
     */
    static void forChunks(int n, int chunks, ChunkBody body) {
        Parallel.forRange(chunks, 1, (w, c0, c1) -> {
            for (int c = c0; c < c1; c++) body.run(c, chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
        });
    }

    /** parts[0][0, size) += parts[1..count)[0, size), in chunk order for every element; returns parts[0]. */
    static float[] reduceChunks(float[][] parts, int count, int size) {
        float[] sum = parts[0];
        if (count <= 1) return sum;
        if ((long) size * (count - 1) < 4L * SUM_GRAIN) {
            addRange(parts, count, 0, size);
        } else {
            Parallel.forRange(size, SUM_GRAIN, (w, a, b) -> addRange(parts, count, a, b));
        }
        return sum;
    }

    private static void addRange(float[][] parts, int count, int from, int to) {
        float[] sum = parts[0];
        for (int t = 1; t < count; t++) {
            float[] p = parts[t];
            for (int i = from; i < to; i++) sum[i] += p[i];
        }
    }

    /** out[0, size) = sum of parts[0..count)[0, size), added in chunk order (parts[0] is overwritten). */
    static void sumPartials(float[][] parts, int count, int size, float[] out, int oo) {
        System.arraycopy(reduceChunks(parts, count, size), 0, out, oo, size);
    }

    /** out[c] = sum over rows of a[rows, cols]; accumulated in double per column block for accuracy. */
    static void sumRows(float[] a, int ao, int rows, int cols, float[] out, int oo) {
        double[] acc = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = ao + r * cols;
            for (int c = 0; c < cols; c++) acc[c] += a[base + c];
        }
        for (int c = 0; c < cols; c++) out[oo + c] = (float) acc[c];
    }

    /** y rows = bias (or zero). */
    static void fillRows(float[] y, int yo, int rows, int cols, float[] bias, int bo) {
        if (bias == null) {
            Arrays.fill(y, yo, yo + rows * cols, 0f);
        } else {
            for (int r = 0; r < rows; r++) System.arraycopy(bias, bo, y, yo + r * cols, cols);
        }
    }
}

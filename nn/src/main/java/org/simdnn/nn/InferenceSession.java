package org.simdnn.nn;

import java.util.concurrent.atomic.AtomicReference;
import org.simdnn.tensor.Tensor;

/**
 * A cheap per-thread handle for inference: a copy of the model that shares its weights (read-only) and owns its
 * activation buffers, always in eval mode. One session per thread; create as many as you like (the cost is the
 * activation buffers, allocated on the first call and reused while the input shape stays the same). The weights
 * must not change while sessions predict (don't train the same model concurrently). For a ready-made
 * thread-safe facade see {@link Predictor}.
 *
 * <p>Two threads inside one session at once would share its buffers and get each other's results, so a call
 * that finds another thread inside throws {@link IllegalStateException} instead (one compare-and-set per call).
 * Handing a session from one thread to another between calls is fine.
 */
public final class InferenceSession {
    private final Module model;
    private final AtomicReference<Thread> inside = new AtomicReference<>();

    public InferenceSession(Module trained) {
        this.model = trained.shareWeights();
        this.model.eval();
    }

    /** The model's output for {@code x}: a buffer owned by this session, valid until its next call. */
    public Tensor predict(Tensor x) {
        Thread me = Thread.currentThread();
        if (!inside.compareAndSet(null, me)) {
            Thread other = inside.get();
            throw new IllegalStateException("InferenceSession used by two threads at once (" + me.getName() + " while "
                    + (other == null ? "another thread" : other.getName()) + " is predicting): a session's buffers "
                    + "belong to one thread; use a Predictor, or one InferenceSession per thread");
        }
        try {
            return model.forward(x, false);
        } finally {
            inside.set(null);
        }
    }

    /**
     * argmax over the last dim of the output, per row (ties to the lowest index). A row with a NaN has no
     * class: {@link ArithmeticException} naming the row and position, never a made-up class 0.
     */
    public int[] classify(Tensor x) { return argmaxRows(predict(x)); }

    /** argmax over the last dim of {@code y}, per row (ties to the lowest index). */
    public static int[] argmaxRows(Tensor y) {
        int cols = y.dim(y.rank() - 1), rows = y.size() / cols;
        Tensor c = y.contiguous();
        float[] d = c.data();
        int[] out = new int[rows];
        for (int r = 0, o = c.offset(); r < rows; r++, o += cols) {
            int best = 0;
            for (int j = 0; j < cols; j++) {
                float v = d[o + j];
                if (v != v) throw nanRow(r, j, cols);
                if (v > d[o + best]) best = j;
            }
            out[r] = best;
        }
        return out;
    }

    /** Why output row {@code r} (NaN at position {@code j} of {@code cols}) gets no class. */
    static ArithmeticException nanRow(int r, int j, int cols) {
        return new ArithmeticException("output row " + r + " is NaN at position " + j + " of " + cols
                + ": no class can be reported for it (a non-finite input, or corrupt weights)");
    }
}

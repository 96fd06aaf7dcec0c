package org.simdnn.nn;

import org.simdnn.tensor.Tensor;

/**
 * A cheap per-thread handle for inference: a copy of the model that shares its weights (read-only) and owns its
 * activation buffers, always in eval mode. One session per thread; create as many as you like (the cost is the
 * activation buffers, allocated on the first call and reused while the input shape stays the same). The weights
 * must not change while sessions predict (don't train the same model concurrently). For a ready-made
 * thread-safe facade see {@link Predictor}.
 */
public final class InferenceSession {
    private final Module model;

    public InferenceSession(Module trained) {
        this.model = trained.shareWeights();
        this.model.eval();
    }

    /** The model's output for {@code x}: a buffer owned by this session, valid until its next call. */
    public Tensor predict(Tensor x) { return model.forward(x, false); }

    /** argmax over the last dim of the output, per row (ties to the lowest index). */
    public int[] classify(Tensor x) { return argmaxRows(predict(x)); }

    static int[] argmaxRows(Tensor y) {
        int cols = y.dim(y.rank() - 1), rows = y.size() / cols;
        Tensor c = y.contiguous();
        float[] d = c.data();
        int[] out = new int[rows];
        for (int r = 0, o = c.offset(); r < rows; r++, o += cols) {
            int best = 0;
            for (int j = 1; j < cols; j++) if (d[o + j] > d[o + best]) best = j;
            out[r] = best;
        }
        return out;
    }
}

package org.simdnn.nn;

import java.util.Arrays;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * Thread-safe inference over one trained model: each calling thread lazily gets its own {@link InferenceSession}
 * (held by this predictor's ThreadLocal — no global state), and results are returned as fresh arrays so they
 * can be kept. Batch-1 latency is one forward pass over reused buffers.
 *
 * <p>Inputs are checked first: a NaN or infinite value throws {@link IllegalArgumentException} naming its row
 * (the first dim) and position, since a model's answer for it is meaningless (a NaN row used to come out as
 * class 0). Callers that guarantee finite inputs can skip that scan with {@link #assumingFiniteInputs}; a NaN
 * output row still never gets a class (see {@link InferenceSession#classify}).
 */
public final class Predictor {
    private final Module model;
    private final ThreadLocal<InferenceSession> sessions;
    private final boolean checkInputs;

    /** A predictor that refuses non-finite inputs. */
    public Predictor(Module trained) { this(trained, true); }

    private Predictor(Module trained, boolean checkInputs) {
        this.model = trained;
        this.sessions = ThreadLocal.withInitial(() -> new InferenceSession(model));
        this.checkInputs = checkInputs;
    }

    /** A predictor that does not scan inputs for NaN/Inf: for callers that guarantee finite values. */
    public static Predictor assumingFiniteInputs(Module trained) { return new Predictor(trained, false); }

    /** The output for {@code x} as a new row-major array. */
    public float[] predict(Tensor x) { return sessions.get().predict(checked(x)).toArray(); }

    /** The argmax class of each row of the output. */
    public int[] classify(Tensor x) { return sessions.get().classify(checked(x)); }

    /**
     * Softmax over the last dim of the output, per row, as a new row-major array (each row sums to 1). For a
     * model whose output is logits, as the classifiers trained with {@code SoftmaxCrossEntropyLoss} are.
     */
    public float[] probabilities(Tensor x) {
        Tensor y = sessions.get().predict(checked(x)).contiguous();
        Tensor p = Tensor.zeros(y.shape());
        Backends.cpu().softmax(y, p);
        return p.toArray();
    }

    /**
     * The {@code k} classes with the highest outputs of each row, best first (ties to the lower index): row r is
     * {@code topK(x, k)[r]}; {@code k = 1} gives {@link #classify}'s answer. A NaN output row throws
     * {@link ArithmeticException}, as in {@link #classify}.
     */
    public int[][] topK(Tensor x, int k) {
        Tensor y = sessions.get().predict(checked(x)).contiguous();
        int cols = y.dim(y.rank() - 1), rows = y.size() / cols;
        if (k < 1 || k > cols) throw new IllegalArgumentException("top-k needs 1 <= k <= " + cols + " classes, got " + k);
        float[] d = y.data();
        int[][] out = new int[rows][k];
        for (int r = 0, o = y.offset(); r < rows; r++, o += cols) {
            int[] best = out[r];
            int filled = 0;
            for (int j = 0; j < cols; j++) {
                float v = d[o + j];
                if (v != v) throw InferenceSession.nanRow(r, j, cols);
                if (filled == k && !(v > d[o + best[k - 1]])) continue;
                int at = Math.min(filled, k - 1);                     // insertion into the sorted prefix
                while (at > 0 && v > d[o + best[at - 1]]) {
                    best[at] = best[at - 1];
                    at--;
                }
                best[at] = j;
                if (filled < k) filled++;
            }
        }
        return out;
    }

    /** This thread's session (for callers that want to avoid the output copy; it does not check inputs). */
    public InferenceSession session() { return sessions.get(); }

    private Tensor checked(Tensor x) {
        if (!checkInputs) return x;
        Tensor c = x.contiguous();
        float[] d = c.data();
        for (int i = c.offset(), end = c.offset() + c.size(); i < end; i++) {
            if (!Float.isFinite(d[i])) throw nonFinite(x, i - c.offset(), d[i]);
        }
        return x;
    }

    private static IllegalArgumentException nonFinite(Tensor x, int flat, float value) {
        int perRow = x.rank() == 0 || x.dim(0) == 0 ? 1 : x.size() / x.dim(0);
        int[] at = new int[Math.max(0, x.rank() - 1)];
        for (int i = at.length - 1, rest = flat % perRow; i >= 0; i--) {
            at[i] = rest % x.dim(i + 1);
            rest /= x.dim(i + 1);
        }
        return new IllegalArgumentException("input " + x.shapeString() + " row " + flat / perRow + " has " + value
                + " at position " + (at.length == 1 ? String.valueOf(at[0]) : Arrays.toString(at))
                + ": Predictor refuses non-finite inputs (Predictor.assumingFiniteInputs skips this check for callers "
                + "that guarantee finite values)");
    }
}

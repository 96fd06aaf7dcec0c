package org.simdnn.ops;

/**
 * A GEMM whose right operand B ({@code k x n}, the weights) is bound once, for inference: the backend lays B
 * out for its kernels when it is made, and a call computes, for rows {@code i} in {@code [0, m)},
 * {@code c[i, :] = clamp(a[i, :] B + bias + residual[i, :])} with the {@link Clamp} applied as the rows are
 * stored. A and C (and the residual) are contiguous row-major ({@code lda = k}, {@code ldc = n}); m is the
 * caller's per call (the batch). Immutable and safe to share between threads. Made by
 * {@link Backend#prepareGemm}.
 */
public interface PreparedGemm {
    int k();

    int n();

    /** The implementation that runs {@code m} rows (a kernel id, or the backend's name). */
    String id(int m);

    /** {@code residual} may be null; c must not overlap a or the residual. */
    void forward(int m, float[] a, int offA, float[] residual, int offR, float[] c, int offC);

    /**
     * {@link #forward} on these arrays, bound once for a serving loop that runs it on the same buffers: a backend
     * may check the arguments and build what a call needs here, so that running the result allocates nothing
     * (the CPU backend does). Not for two threads at once.
     */
    default Runnable bind(int m, float[] a, int offA, float[] residual, int offR, float[] c, int offC) {
        return () -> forward(m, a, offA, residual, offR, c, offC);
    }
}

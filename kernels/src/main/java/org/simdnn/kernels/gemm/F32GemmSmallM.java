package org.simdnn.kernels.gemm;

/**
 * SGEMM for few rows of A (m = 1 to {@link #MAX_M}: batch-1 to batch-4 inference), where each element of B — the
 * weights — feeds at most four FMAs and the time is the time to stream B from wherever it lives (L2, L3, DRAM).
 * Both entries read B exactly once, front to back in long contiguous runs, and never pack it:
 * <ul>
 *   <li>{@link #rows}, B row-major ({@code k x n}): a chunk of {@code w} columns of C (its m x w sums in an
 *       L1-resident accumulator block {@code acc}); each step broadcasts a few A values per row and streams the
 *       same few B rows across the chunk, so every B row segment is a sequential run the prefetchers follow and
 *       no page is visited twice;
 *   <li>{@link #dots}, B transposed ({@code n x k}, a column of C is a row of B): a block of B rows is read side
 *       by side, m x R vector dot products over k, reduced once per C element.
 * </ul>
 * The driver splits the columns of C between threads (each thread streams its own part of B). The arithmetic of
 * one C element does not depend on the chunk or block it falls in, so results do not depend on the split.
 */
interface F32GemmSmallM {
    /** The most rows of A one call takes. */
    int MAX_M = 4;

    String id();

    /** Floats per vector: column chunks of {@link #rows} are multiples of it. */
    int lanes();

    /**
     * B row-major, columns [0, w) of C from {@code bi} / {@code ci} on ({@code w} a multiple of {@link #lanes()}):
     * C(i, j) = alpha Σ_p A(i, p) B(p, j) + beta C(i, j) for j in [skip, w) (the first {@code skip} columns are
     * computed but not stored: the driver's overlapping last vector). A(i, p) = {@code a[ai + i*rsA + p*csA]};
     * {@code acc} holds at least {@code m * (w + lanes())} floats (its rows are padded). beta == 0 never reads C.
     */
    void rows(int m, int k, float alpha, float[] a, int ai, int rsA, int csA, float[] b, int bi, int ldb, float beta,
              float[] c, int ci, int ldc, int w, int skip, float[] acc);

    /**
     * B transposed, columns [j0, j1) of C: C(i, j) = alpha Σ_p A(i, p) B(j, p) + beta C(i, j) with A(i, p) =
     * {@code a[ai + i*lda + p]} (contiguous in p) and B(j, p) = {@code b[bi + j*ldb + p]}. beta == 0 never reads C.
     */
    void dots(int m, int k, float alpha, float[] a, int ai, int lda, float[] b, int bi, int ldb, float beta, float[] c,
              int ci, int ldc, int j0, int j1);
}

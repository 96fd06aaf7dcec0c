package org.simdnn.kernels.gemm;

/**
 * SGEMM without packing for small and mid-sized products whose operands are both row-major (BLIS's "sup"
 * kernels): {@code C = alpha * A * B + beta * C} over rows [0, m) and columns [0, n), A(i, p) =
 * {@code a[ai + i*lda + p]}, B(p, j) = {@code b[bi + p*ldb + j]}. The kernel runs its register tiles and hands
 * partial rows and columns to {@code tails} (the direct kernel of the same width). {@code beta == 0} never reads
 * C. Why it exists and when the driver picks it: docs/kernels.md "Unpacked mid-sized products".
 */
interface F32GemmSup {
    String id();

    /** Rows of the register tile: a split of the rows between threads keeps its boundaries at multiples of this. */
    int mr();

    void gemm(F32GemmDirect tails, int m, int n, int k, float alpha, float[] a, int ai, int lda, float[] b, int bi,
              int ldb, float beta, float[] c, int ci, int ldc);
}

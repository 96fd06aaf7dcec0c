package org.simdnn.kernels.gemm;

/**
 * A register-blocked SGEMM micro-kernel: it computes one {@code MR x NR} tile of C from a packed A sliver and a
 * packed B sliver. The contract (see docs/kernels.md for the diagram):
 *
 * <ul>
 *   <li>packed A sliver: {@code pa[ia + p*MR + i]} = A(i, p) for p in [0, kc), i in [0, MR), rows past the edge
 *       of A are zero;
 *   <li>packed B sliver: {@code pb[ib + p*NR + j]} = B(p, j), columns past the edge of B are zero;
 *   <li>C tile: {@code c[ic + i*ldc + j] = alpha * sum_p A(i,p) B(p,j) + beta * c[...]} for the full tile, and
 *       {@code beta == 0} never reads C. Partial tiles are the driver's job (it points C at a scratch tile).
 * </ul>
 *
 * <p>Implementations pass only arrays and ints, so a call need not be inlined for the loop to stay in registers.
 */
interface F32GemmKernel {
    /** Floats {@link #packAT} may write past the last k step's MR slot: the slack a packed A block keeps. */
    int PACK_SLACK = 16;

    /** Rows of the register tile. */
    int mr();

    /** Columns of the register tile (floats, a multiple of the vector length). */
    int nr();

    /** Kernel id in the naming grammar of docs/kernels.md, e.g. {@code f32-gemm-6x2v-broadcast-512}. */
    String id();

    void packed(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int ic, int ldc, float alpha, float beta);

    /**
     * Same tile, but A is read in place from {@code MR} rows of a row-major matrix: A(i, p) = {@code a[ia + i*lda + p]}.
     * Used for skinny problems where packing A costs more than it saves (each A element feeds only n/NR slivers).
     */
    void rowsInPlace(int kc, float[] a, int ia, int lda, float[] pb, int ib, float[] c, int ic, int ldc, float alpha,
                     float beta);

    /**
     * Packs one full MR-row sliver of a transposed A: {@code pa[dst + p*MR + i] = a[ia + p*lda + i]} for p in
     * [0, kc), i in [0, MR). May write up to {@link #PACK_SLACK} floats past each p's MR slot (the next slot, rewritten in turn, or
     * the workspace's slack after the block).
     */
    void packAT(int kc, float[] a, int ia, int lda, float[] pa, int dst);

    /**
     * Packs one full sliver of a row-major (not transposed) B: rows p in [0, kc) of NR floats from
     * {@code b[ib + p*ldb]} to {@code pb[dst + p*NR]}. Partial and transposed slivers go through
     * {@link GemmPack#packBSliver}.
     */
    void packB(int kc, float[] b, int ib, int ldb, float[] pb, int dst);
}

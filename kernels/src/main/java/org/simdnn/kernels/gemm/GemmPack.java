package org.simdnn.kernels.gemm;

import java.util.Arrays;

/**
 * Packing into the micro-kernel's layout (see {@link F32GemmKernel}): A blocks into MR-row slivers stored
 * column by column, B panels into NR-column slivers stored row by row. Edges are zero-padded here, so the
 * micro-kernel never needs a masked tail.
 */
final class GemmPack {
    private GemmPack() {}

    /**
     * Packs rows [i0, i0+rows) x columns [p0, p0+kc) of a non-transposed A, rows <= mr, as one interleaved sliver:
     * {@code pa[p*mr + i] = A(i0 + i, p0 + p)}, rows past the edge zeroed (the ragged last rows when A is
     * otherwise read in place).
     */
    static void packA(float[] a, int offA, int lda, int i0, int p0, int rows, int kc, int mr, float[] pa) {
        for (int i = 0; i < rows; i++) {
            int src = offA + (i0 + i) * lda + p0;
            for (int p = 0; p < kc; p++) pa[p * mr + i] = a[src + p];
        }
        for (int p = 0; p < kc; p++) {
            for (int i = rows; i < mr; i++) pa[p * mr + i] = 0f;
        }
    }

    /**
     * One sliver of a transposed A: {@code pa[dst + p*mr + i] = a[ia + p*lda + i]} for i < rows, zero for
     * rows <= i < mr (the partial last sliver; full slivers go through the kernel's vector {@code packAT}).
     */
    static void packATSliver(float[] a, int ia, int lda, int kc, int rows, int mr, float[] pa, int dst) {
        for (int p = 0; p < kc; p++, ia += lda) {
            int d = dst + p * mr;
            for (int i = 0; i < rows; i++) pa[d + i] = a[ia + i];
            for (int i = rows; i < mr; i++) pa[d + i] = 0f;
        }
    }

    /**
     * Packs rows [i0, i0+mc) x columns [p0, p0+kc) of a non-transposed A as row panels: sliver s (rows i0+s*mr ...)
     * starts at s*kc*mr and holds A(i, p) at (i - sliver start)*kc + p, rows past the edge zeroed. Each row is
     * one contiguous copy, several times faster than interleaving; the kernel's {@code rowsInPlace} reads it
     * with lda = kc.
     */
    static void packARows(float[] a, int offA, int lda, int i0, int p0, int mc, int kc, int mr, float[] pa) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir), base = (ir / mr) * kc * mr;
            for (int i = 0; i < rows; i++) {
                System.arraycopy(a, offA + (i0 + ir + i) * lda + p0, pa, base + i * kc, kc);
            }
            if (rows < mr) Arrays.fill(pa, base + rows * kc, base + mr * kc, 0f);
        }
    }

    /**
     * Packs one NR-column sliver: rows [p0, p0+kc) x columns [j0, j0+w) of op(B), w <= nr, into
     * {@code pb[dst + p*nr + j]}, columns w..nr zeroed.
     */
    static void packBSliver(boolean transB, float[] b, int offB, int ldb, int p0, int kc, int j0, int w, int nr,
                            float[] pb, int dst) {
        if (!transB) {
            int src = offB + p0 * ldb + j0;
            for (int p = 0; p < kc; p++, src += ldb) {
                int d = dst + p * nr;
                System.arraycopy(b, src, pb, d, w);
                if (w < nr) Arrays.fill(pb, d + w, d + nr, 0f);
            }
        } else {
            // B(p, j) = b[j*ldb + p]. Rows of the sliver are written contiguously; the w source columns are read
            // in step, so their cache lines (one per column) stay in L1 across 16 consecutive p. The other order
            // (a column at a time) wrote with stride nr through a sliver larger than L1.
            int src = offB + j0 * ldb + p0;
            for (int p = 0; p < kc; p++) {
                int d = dst + p * nr;
                for (int j = 0, s = src + p; j < w; j++, s += ldb) pb[d + j] = b[s];
                if (w < nr) Arrays.fill(pb, d + w, d + nr, 0f);
            }
        }
    }
}

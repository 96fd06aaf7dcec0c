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
     * Packs rows [i0, i0+mc) x columns [p0, p0+kc) of op(A) into {@code pa}: sliver s (rows i0+s*mr ...) starts at
     * s*kc*mr and holds A(i, p) at p*mr + (i - sliver start).
     */
    static void packA(boolean transA, float[] a, int offA, int lda, int i0, int p0, int mc, int kc, int mr,
                      float[] pa) {
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir), base = (ir / mr) * kc * mr;
            if (transA) {
                // A(i, p) = a[p*lda + i]: mr consecutive floats per p.
                for (int p = 0; p < kc; p++) {
                    int src = offA + (p0 + p) * lda + i0 + ir, dst = base + p * mr;
                    for (int i = 0; i < rows; i++) pa[dst + i] = a[src + i];
                    for (int i = rows; i < mr; i++) pa[dst + i] = 0f;
                }
            } else if (rows == 6 && mr == 6) {
                // Six row streams read in step, one contiguous write stream.
                int r0 = offA + (i0 + ir) * lda + p0, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda,
                        r5 = r4 + lda;
                for (int p = 0; p < kc; p++) {
                    int d = base + p * 6;
                    pa[d] = a[r0 + p];
                    pa[d + 1] = a[r1 + p];
                    pa[d + 2] = a[r2 + p];
                    pa[d + 3] = a[r3 + p];
                    pa[d + 4] = a[r4 + p];
                    pa[d + 5] = a[r5 + p];
                }
            } else {
                for (int i = 0; i < rows; i++) {
                    int src = offA + (i0 + ir + i) * lda + p0;
                    for (int p = 0; p < kc; p++) pa[base + p * mr + i] = a[src + p];
                }
                if (rows < mr) {
                    for (int p = 0; p < kc; p++) {
                        for (int i = rows; i < mr; i++) pa[base + p * mr + i] = 0f;
                    }
                }
            }
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

package org.simdnn.kernels.gemm;

/**
 * Chooses the path for one validated SGEMM call:
 * <ol>
 *   <li>quick returns: empty C; alpha = 0 or k = 0 (C = beta C, A and B unread, as BLAS);
 *   <li>few rows (m <= {@link F32GemmSmallM#MAX_M}, batch-1 to batch-4 inference): the small-m kernel, which streams
 *       B once without packing it, its columns split between threads when B is large;
 *   <li>GEMV shapes: n = 1 or m = 1, as dot products when the reduction is contiguous in memory, else the
 *       direct kernel with one row;
 *   <li>tiny problems (m n k up to {@link KernelConfig#directMaxMnk()}), m <= 2, or n <= NR/2: the direct kernel,
 *       no packing;
 *   <li>mid-sized products with A and B row-major (m n k up to {@link KernelConfig#supMaxMnk()}, k <= kc): the
 *       unpacked kernel ({@link F32GemmSup}), rows split between threads when large;
 *   <li>everything else: the blocked five-loop algorithm ({@link GemmTask}), multithreaded when large.
 * </ol>
 */
final class GemmDriver {
    private GemmDriver() {}

    static void sgemm(KernelConfig cfg, int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC,
                      int ldc) {
        if (m == 0 || n == 0) return;
        if (alpha == 0f || k == 0) {
            scale(c, offC, ldc, m, n, beta);
            return;
        }
        if (runsSmallM(cfg, transB, m, n, k)) {
            smallM(cfg, threads, transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        if (runsSup(cfg, transA, transB, m, n, k)) {
            if (threads > 1 && m >= 2 * cfg.sup().mr() && 2L * m * n * k >= cfg.parallelMinFlops()) {
                GemmWorkspace.get().sup.run(cfg.sup(), cfg.direct(), threads, m, n, k, alpha, a, offA, lda, b, offB, ldb,
                        beta, c, offC, ldc);
            } else {
                cfg.sup().gemm(cfg.direct(), m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            }
            return;
        }
        if (!runsDirect(cfg, m, n, k)) {
            GemmWorkspace ws = GemmWorkspace.get();
            ws.task.run(cfg, threads, transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, ws);
            return;
        }
        F32GemmDirect direct = cfg.direct();
        if (n == 1 && !transA) {
            // C(:,0) = A B(:,0): each element a dot product of a row of A with B's column.
            float[] u = transB ? b : gather(b, offB, ldb, k);
            int ui = transB ? offB : 0;
            dots(direct, m, k, alpha, a, offA, lda, u, ui, beta, c, offC, ldc);
        } else if (m == 1 && transB) {
            // C(0,:) = A(0,:) B^T: dot products of A's row with B's rows.
            float[] u = transA ? gather(a, offA, lda, k) : a;
            int ui = transA ? 0 : offA;
            dots(direct, n, k, alpha, b, offB, ldb, u, ui, beta, c, offC, 1);
        } else if (n == 1) {
            // transA: C(:,0)^T = B(:,0)^T A^T, a one-row direct GEMM over A's rows, via a contiguous result row.
            float[] u = transB ? b : gather(b, offB, ldb, k);
            int ui = transB ? offB : 0;
            float[] row = GemmWorkspace.get().tile(m);
            direct.gemm(1, m, k, alpha, u, ui, 0, 1, a, offA, lda, 0f, row, 0, m);
            for (int i = 0; i < m; i++) {
                int o = offC + i * ldc;
                c[o] = beta == 0f ? row[i] : Math.fma(beta, c[o], row[i]);
            }
        } else {
            int rsA = transA ? 1 : lda, csA = transA ? lda : 1;
            float[] bb = b;
            int bi = offB, lb = ldb;
            if (transB) {
                bb = GemmWorkspace.get().bt(k * n);
                for (int j = 0; j < n; j++) {
                    int src = offB + j * ldb;
                    for (int p = 0; p < k; p++) bb[p * n + j] = b[src + p];
                }
                bi = 0;
                lb = n;
            }
            if (threads > 1 && m >= 32 && 2L * m * n * k >= cfg.parallelMinFlops()) {
                GemmWorkspace.get().direct.run(direct, threads, m, n, k, alpha, a, offA, rsA, csA, bb, bi, lb, beta, c,
                        offC, ldc);
            } else {
                direct.gemm(m, n, k, alpha, a, offA, rsA, csA, bb, bi, lb, beta, c, offC, ldc);
            }
        }
    }

    /** The id of the kernel that runs an {@code m x n x k} product (alpha != 0, m, n, k > 0). */
    static String kernelId(KernelConfig cfg, int m, int n, int k) {
        if (runsSmallM(cfg, false, m, n, k)) {
            return smallMDirect(cfg, false, false, m, n, k) ? cfg.direct().id() : cfg.smallM().id();
        }
        if (runsDirect(cfg, m, n, k)) return cfg.direct().id();
        return runsSup(cfg, false, false, m, n, k) ? cfg.sup().id() : cfg.kernel().id();
    }

    /**
     * Whether the unpacked kernel runs the product: A and B row-major (its tiles broadcast A's rows and load B's rows
     * in place), not a direct-kernel shape, {@code m n k <= supMaxMnk} (where packing and the blocked driver's
     * bookkeeping cost more than L1/L2-resident operands read in place) and {@code k <= kc}: one FMA chain per
     * element, the same bits as the blocked driver's single k block.
     */
    private static boolean runsSup(KernelConfig cfg, boolean transA, boolean transB, int m, int n, int k) {
        return cfg.sup() != null && !transA && !transB && k <= cfg.kc() && (long) m * n * k <= cfg.supMaxMnk()
                && !runsDirect(cfg, m, n, k);
    }

    /**
     * Whether the small-m kernel runs the product: m <= 4 and, with B row-major, at least one vector of columns
     * (narrower C goes to the direct kernel); with B transposed at least one vector of k (shorter dot products
     * would run as scalar tails) and n > 1 (a single dot product is the GEMV path's).
     */
    private static boolean runsSmallM(KernelConfig cfg, boolean transB, int m, int n, int k) {
        F32GemmSmallM s = cfg.smallM();
        if (s == null || m > F32GemmSmallM.MAX_M) return false;
        return transB ? k >= s.lanes() && n > 1 : n >= s.lanes();
    }

    /**
     * Four rows and a narrow row-major B (n <= 8 vectors) in one k block: the direct kernel's 4 x 2v tile, whose
     * accumulators stay in registers for all of k, beats the small-m kernel's L1 accumulators, which each step
     * stores and reloads (measured under load: 4x64x64 0.26 vs 0.43 µs, 4x64x1024 4.3 vs 7.1 µs). B rows of at
     * most 8 vectors lie close together, so the direct kernel's passes over column pairs still stream.
     */
    private static boolean smallMDirect(KernelConfig cfg, boolean transA, boolean transB, int m, int n, int k) {
        return !transB && m == 4 && n <= 8 * cfg.smallM().lanes() && kBlock(cfg, transA, n, k) == k;
    }

    /**
     * The depth of the blocked driver's k blocks for this shape ({@link GemmTask}: one block when A is read in
     * place, else balanced blocks of at most kc). The small-m kernel sums B row-major in the same blocks, each from
     * zero, so a row of C gets the same bits in a batch of 4 as in a batch of 128 (a model scored in batches of
     * any size gives the same outputs).
     */
    private static int kBlock(KernelConfig cfg, boolean transA, int n, int k) {
        boolean inPlaceA = !transA && k <= cfg.inPlaceMaxK() && n <= cfg.inPlaceMaxN();
        return inPlaceA ? k : Math.ceilDiv(k, Math.ceilDiv(k, cfg.kc()));
    }

    private static void smallM(KernelConfig cfg, int threads, boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb, float beta,
                               float[] c, int offC, int ldc) {
        int rsA = transA ? 1 : lda, csA = transA ? lda : 1;
        if (smallMDirect(cfg, transA, transB, m, n, k)) {
            cfg.direct().gemm(m, n, k, alpha, a, offA, rsA, csA, b, offB, ldb, beta, c, offC, ldc);
            return;
        }
        if (transB && transA) {
            // The dot products read rows of A as vectors: a transposed A (k x m, m <= 4 columns) is gathered first.
            float[] u = GemmWorkspace.get().vec(m * k);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) u[i * k + p] = a[offA + p * lda + i];
            }
            a = u;
            offA = 0;
            rsA = k;
        }
        GemmWorkspace.get().smallM.run(cfg.smallM(), threads, cfg.smallMParallelMinKn(), kBlock(cfg, transA, n, k),
                transB, m, n, k, alpha, a, offA, rsA, csA, b, offB, ldb, beta, c, offC, ldc);
    }

    /**
     * Whether the direct kernel runs the product rather than the blocked driver: GEMV shapes (n = 1; m = 1 is in
     * m <= 2); tiny problems, where packing costs more than it saves; and narrow C (n <= NR/2, e.g. a 10-class
     * output layer), where the blocked kernel would pad each B sliver to NR columns and waste more than half its
     * FMAs while the direct kernel uses narrower vectors.
     */
    private static boolean runsDirect(KernelConfig cfg, int m, int n, int k) {
        return n == 1 || m <= 2 || (long) m * n * k <= cfg.directMaxMnk() || 2 * n <= cfg.nr();
    }

    /** out[i*os] = alpha * dot(u, V row i) + beta * out[i*os] for rows [0, rows) of V (row stride ldv). */
    private static void dots(F32GemmDirect direct, int rows, int k, float alpha, float[] v, int offV, int ldv, float[] u,
                             int ui, float beta, float[] out, int offOut, int os) {
        for (int i = 0; i < rows; i++) {
            float d = alpha * direct.dot(k, u, ui, v, offV + i * ldv);
            int o = offOut + i * os;
            out[o] = beta == 0f ? d : Math.fma(beta, out[o], d);
        }
    }

    /** Copies k floats at stride ld into a contiguous workspace vector. */
    private static float[] gather(float[] x, int off, int ld, int k) {
        float[] u = GemmWorkspace.get().vec(k);
        for (int p = 0; p < k; p++) u[p] = x[off + p * ld];
        return u;
    }

    /** C = beta * C; beta == 0 writes zeros without reading C. */
    static void scale(float[] c, int offC, int ldc, int m, int n, float beta) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int o = offC + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, o, o + n, 0f);
            } else {
                for (int j = 0; j < n; j++) c[o + j] *= beta;
            }
        }
    }
}

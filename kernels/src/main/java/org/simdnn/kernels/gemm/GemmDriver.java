package org.simdnn.kernels.gemm;

/**
 * Chooses the path for one validated SGEMM call:
 * <ol>
 *   <li>quick returns: empty C; alpha = 0 or k = 0 (C = beta C, A and B unread, as BLAS);
 *   <li>GEMV shapes: n = 1 or m = 1, as dot products when the reduction is contiguous in memory, else the
 *       direct kernel with one row;
 *   <li>tiny problems (m n k up to {@link KernelConfig#directMaxMnk()}), m <= 2, or n <= NR/2: the direct kernel,
 *       no packing;
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
        return runsDirect(cfg, m, n, k) ? cfg.direct().id() : cfg.kernel().id();
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

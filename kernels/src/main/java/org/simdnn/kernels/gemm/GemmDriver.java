package org.simdnn.kernels.gemm;

/**
 * Chooses the path for one validated SGEMM call: quick returns (empty C, alpha = 0, k = 0), or the blocked
 * five-loop algorithm ({@link GemmTask}).
 */
final class GemmDriver {
    private GemmDriver() {}

    static void sgemm(KernelConfig cfg, int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC,
                      int ldc) {
        if (m == 0 || n == 0) return;
        if (alpha == 0f || k == 0) {
            // BLAS quick return: A and B are not read (so NaN in them does not reach C).
            scale(c, offC, ldc, m, n, beta);
            return;
        }
        GemmWorkspace ws = GemmWorkspace.get();
        ws.task.run(cfg, threads, transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, ws);
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

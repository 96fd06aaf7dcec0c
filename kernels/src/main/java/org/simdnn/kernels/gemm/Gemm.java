package org.simdnn.kernels.gemm;

/**
 * Row-major SGEMM with BLAS semantics: {@code C = alpha * op(A) * op(B) + beta * C}.
 *
 * <p>(Foundation stub: validated, plain loops. The BLIS-style Vector API kernels replace the body.)
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA,
                             int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                    float bv = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                    acc += av * bv;
                }
                int ci = offC + i * ldc + j;
                c[ci] = beta == 0f ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }
}

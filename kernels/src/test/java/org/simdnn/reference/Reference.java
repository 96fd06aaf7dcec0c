package org.simdnn.reference;

/**
 * Scalar reference implementations: plain loops, double accumulation, never optimised. They are the oracle
 * for every kernel and backend test; keep them obviously correct rather than fast.
 */
public final class Reference {
    private Reference() {}

    /** Row-major C = alpha * op(A) * op(B) + beta * C, beta == 0 ignores C (NaN in C does not propagate). */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA,
                             int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                    double bv = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                    acc += av * bv;
                }
                int ci = offC + i * ldc + j;
                c[ci] = (float) (beta == 0f ? alpha * acc : alpha * acc + (double) beta * c[ci]);
            }
        }
    }

    /** Sum of |op(A)|·|op(B)| per element: the scale that float rounding error is proportional to. */
    public static double[] sgemmAbsScale(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                         int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c,
                                         int offC, int ldc) {
        double[] s = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                    double bv = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                    acc += Math.abs(av * bv);
                }
                s[i * n + j] = Math.abs(alpha) * acc + (beta == 0f ? 0 : Math.abs((double) beta * c[offC + i * ldc + j]));
            }
        }
        return s;
    }
}

package org.simdnn.kernels.gemm;

/**
 * SGEMM straight from the operands, no packing: C = alpha * op(A) * B + beta * C with A read through strides,
 * A(i, p) = {@code a[ai + i*rsA + p*csA]}, and B row-major with {@code ldb}. For tiny problems, where packing
 * and the blocked driver's bookkeeping cost more than the arithmetic, and for GEMV rows (m = 1).
 * {@code beta == 0} never reads C.
 */
interface F32GemmDirect {
    String id();

    void gemm(int m, int n, int k, float alpha, float[] a, int ai, int rsA, int csA, float[] b, int bi, int ldb,
              float beta, float[] c, int ci, int ldc);

    /** sum_p u[ui+p] * v[vi+p] over p in [0, k): the GEMV kernel for n = 1 (and m = 1 with B transposed). */
    float dot(int k, float[] u, int ui, float[] v, int vi);

    /** Columns [j0, n) in plain Java: the remainder narrower than the narrowest vector, and the scalar width. */
    static void scalarColumns(int m, int j0, int n, int k, float alpha, float[] a, int ai, int rsA, int csA, float[] b,
                              int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        for (int i = 0; i < m; i++) {
            int ar = ai + i * rsA;
            for (int j = j0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc = Math.fma(a[ar + p * csA], b[bi + p * ldb + j], acc);
                int o = ci + i * ldc + j;
                c[o] = beta == 0f ? alpha * acc : Math.fma(beta, c[o], alpha * acc);
            }
        }
    }

    /** The scalar width: everything through {@link #scalarColumns}. */
    final class Scalar implements F32GemmDirect {
        @Override public String id() { return "f32-gemm-direct-scalar"; }

        @Override
        public void gemm(int m, int n, int k, float alpha, float[] a, int ai, int rsA, int csA, float[] b, int bi,
                         int ldb, float beta, float[] c, int ci, int ldc) {
            scalarColumns(m, 0, n, k, alpha, a, ai, rsA, csA, b, bi, ldb, beta, c, ci, ldc);
        }

        @Override
        public float dot(int k, float[] u, int ui, float[] v, int vi) {
            float acc = 0f;
            for (int p = 0; p < k; p++) acc = Math.fma(u[ui + p], v[vi + p], acc);
            return acc;
        }
    }
}

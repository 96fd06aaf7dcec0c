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

    /**
     * Columns [j0, n), fewer than 4 (the narrowest vector): B's columns are copied into a zero-padded k x 4
     * panel and run through {@code d}'s 4-lane kernels into a scratch tile. A scalar loop here ran at ~2 GFLOPS
     * and was 8 % of an MLP training step (the 10-class output layer: n = 10 = 8 + 2).
     */
    static void paddedColumns(F32GemmDirect d, int m, int j0, int n, int k, float alpha, float[] a, int ai, int rsA,
                              int csA, float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        int w = n - j0;
        GemmWorkspace ws = GemmWorkspace.get();
        float[] bp = ws.tailB(4 * k), t = ws.tailC(4 * m);
        for (int p = 0; p < k; p++) {
            int s = bi + p * ldb + j0, o = 4 * p;
            for (int j = 0; j < w; j++) bp[o + j] = b[s + j];
            for (int j = w; j < 4; j++) bp[o + j] = 0f;
        }
        d.gemm(m, 4, k, alpha, a, ai, rsA, csA, bp, 0, 4, 0f, t, 0, 4);
        for (int i = 0; i < m; i++) {
            int o = ci + i * ldc + j0;
            for (int j = 0; j < w; j++) c[o + j] = beta == 0f ? t[4 * i + j] : Math.fma(beta, c[o + j], t[4 * i + j]);
        }
    }

    /** Columns [j0, n) in plain Java: the scalar width (vector width 0). */
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

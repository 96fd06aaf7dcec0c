package org.simdnn.kernels.gemm;

/**
 * {@code f32-gemm-4x4-scalar}: the plain-Java micro-kernel used when the Vector API is unavailable
 * ({@code -Dsimdnn.vectorBits=0}); 16 float accumulators in locals, same packed layout and contract as the
 * vector kernels ({@link F32GemmKernel}), so the driver and its tests are shared.
 */
final class F32Gemm_4x4_Scalar implements F32GemmKernel {
    static final int MR = 4, NR = 4;

    @Override public int mr() { return MR; }

    @Override public int nr() { return NR; }

    @Override public String id() { return "f32-gemm-4x4-scalar"; }

    @Override
    public void packed(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int ic, int ldc, float alpha,
                       float beta) {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int p = 0; p < kc; p++) {
            int pA = ia + p * MR, pB = ib + p * NR;
            float b0 = pb[pB + 0]; float b1 = pb[pB + 1]; float b2 = pb[pB + 2]; float b3 = pb[pB + 3];
            float a0 = pa[pA + 0];
            c00 = Math.fma(a0, b0, c00); c01 = Math.fma(a0, b1, c01); c02 = Math.fma(a0, b2, c02); c03 = Math.fma(a0, b3, c03);
            float a1 = pa[pA + 1];
            c10 = Math.fma(a1, b0, c10); c11 = Math.fma(a1, b1, c11); c12 = Math.fma(a1, b2, c12); c13 = Math.fma(a1, b3, c13);
            float a2 = pa[pA + 2];
            c20 = Math.fma(a2, b0, c20); c21 = Math.fma(a2, b1, c21); c22 = Math.fma(a2, b2, c22); c23 = Math.fma(a2, b3, c23);
            float a3 = pa[pA + 3];
            c30 = Math.fma(a3, b0, c30); c31 = Math.fma(a3, b1, c31); c32 = Math.fma(a3, b2, c32); c33 = Math.fma(a3, b3, c33);
        }
        put(c, ic + 0 * ldc + 0, c00, alpha, beta);
        put(c, ic + 0 * ldc + 1, c01, alpha, beta);
        put(c, ic + 0 * ldc + 2, c02, alpha, beta);
        put(c, ic + 0 * ldc + 3, c03, alpha, beta);
        put(c, ic + 1 * ldc + 0, c10, alpha, beta);
        put(c, ic + 1 * ldc + 1, c11, alpha, beta);
        put(c, ic + 1 * ldc + 2, c12, alpha, beta);
        put(c, ic + 1 * ldc + 3, c13, alpha, beta);
        put(c, ic + 2 * ldc + 0, c20, alpha, beta);
        put(c, ic + 2 * ldc + 1, c21, alpha, beta);
        put(c, ic + 2 * ldc + 2, c22, alpha, beta);
        put(c, ic + 2 * ldc + 3, c23, alpha, beta);
        put(c, ic + 3 * ldc + 0, c30, alpha, beta);
        put(c, ic + 3 * ldc + 1, c31, alpha, beta);
        put(c, ic + 3 * ldc + 2, c32, alpha, beta);
        put(c, ic + 3 * ldc + 3, c33, alpha, beta);
    }

    @Override
    public void rowsInPlace(int kc, float[] a, int ia, int lda, float[] pb, int ib, float[] c, int ic, int ldc,
                            float alpha, float beta) {
        final int r0 = ia + 0 * lda;
        final int r1 = ia + 1 * lda;
        final int r2 = ia + 2 * lda;
        final int r3 = ia + 3 * lda;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int p = 0; p < kc; p++) {
            int pB = ib + p * NR;
            float b0 = pb[pB + 0]; float b1 = pb[pB + 1]; float b2 = pb[pB + 2]; float b3 = pb[pB + 3];
            float a0 = a[r0 + p];
            c00 = Math.fma(a0, b0, c00); c01 = Math.fma(a0, b1, c01); c02 = Math.fma(a0, b2, c02); c03 = Math.fma(a0, b3, c03);
            float a1 = a[r1 + p];
            c10 = Math.fma(a1, b0, c10); c11 = Math.fma(a1, b1, c11); c12 = Math.fma(a1, b2, c12); c13 = Math.fma(a1, b3, c13);
            float a2 = a[r2 + p];
            c20 = Math.fma(a2, b0, c20); c21 = Math.fma(a2, b1, c21); c22 = Math.fma(a2, b2, c22); c23 = Math.fma(a2, b3, c23);
            float a3 = a[r3 + p];
            c30 = Math.fma(a3, b0, c30); c31 = Math.fma(a3, b1, c31); c32 = Math.fma(a3, b2, c32); c33 = Math.fma(a3, b3, c33);
        }
        put(c, ic + 0 * ldc + 0, c00, alpha, beta);
        put(c, ic + 0 * ldc + 1, c01, alpha, beta);
        put(c, ic + 0 * ldc + 2, c02, alpha, beta);
        put(c, ic + 0 * ldc + 3, c03, alpha, beta);
        put(c, ic + 1 * ldc + 0, c10, alpha, beta);
        put(c, ic + 1 * ldc + 1, c11, alpha, beta);
        put(c, ic + 1 * ldc + 2, c12, alpha, beta);
        put(c, ic + 1 * ldc + 3, c13, alpha, beta);
        put(c, ic + 2 * ldc + 0, c20, alpha, beta);
        put(c, ic + 2 * ldc + 1, c21, alpha, beta);
        put(c, ic + 2 * ldc + 2, c22, alpha, beta);
        put(c, ic + 2 * ldc + 3, c23, alpha, beta);
        put(c, ic + 3 * ldc + 0, c30, alpha, beta);
        put(c, ic + 3 * ldc + 1, c31, alpha, beta);
        put(c, ic + 3 * ldc + 2, c32, alpha, beta);
        put(c, ic + 3 * ldc + 3, c33, alpha, beta);
    }

    private static void put(float[] c, int i, float acc, float alpha, float beta) {
        c[i] = beta == 0f ? alpha * acc : Math.fma(beta, c[i], alpha * acc);
    }
}

package org.simdnn.kernels.gemm;

import org.simdnn.kernels.cpu.Parallel;

/**
 * Row-major SGEMM with BLAS semantics: {@code C = alpha * op(A) * op(B) + beta * C}, where op(X) is X or its
 * transpose. {@code beta == 0} never reads C (NaN there is ignored, as BLAS does); {@code alpha == 0} or
 * {@code k == 0} scales C by beta without reading A or B.
 *
 * <p>BLIS-style: packed A and B, a register-blocked Vector API micro-kernel chosen by
 * {@link org.simdnn.kernels.cpu.CpuInfo#VECTOR_BITS} (plain Java when 0), cache blocking from
 * {@link KernelConfig}. Large problems run on up to {@link Parallel#threads()} threads (the caller's included);
 * design and measurements in docs/kernels.md.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA,
                             int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        GemmDriver.sgemm(KernelConfig.DEFAULT, Parallel.threads(), transA, transB, m, n, k, alpha, a, offA, lda, b,
                offB, ldb, beta, c, offC, ldc);
    }

    /** Kernel id of this JVM's micro-kernel (e.g. {@code f32-gemm-6x2v-broadcast-512}), for logs and reports. */
    public static String kernelId() { return KernelConfig.DEFAULT.kernel().id(); }
}

package org.simdnn.kernels.gemm;

import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.tensor.Tensor;

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

    /**
     * {@link #sgemm} with the plain-Java micro-kernel whatever the vector width. Until C2 has compiled the Vector
     * API kernels every vector is an object and they run 100x below their steady state; plain loops run well in
     * the interpreter and C1. For the scalar plan a session runs while its vector plan warms up
     * ({@code Backend.scalar()}).
     */
    public static void sgemmScalar(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                   int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC,
                                   int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        GemmDriver.sgemm(KernelConfig.SCALAR, Parallel.threads(), transA, transB, m, n, k, alpha, a, offA, lda, b,
                offB, ldb, beta, c, offC, ldc);
    }

    /**
     * {@code batch} independent SGEMMs with the same sizes: matrix {@code i} of A starts at
     * {@code offA + i*strideA}, likewise B and C. A stride of 0 shares one operand across the batch (e.g. a
     * weight matrix); C's stride must keep the outputs apart ({@code strideC >= (m-1)*ldc + n}) unless m or n is 0.
     * Every matrix is validated before any work. Each product is one {@link #sgemm} (multithreaded when large).
     */
    public static void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                    int offA, int lda, int strideA, float[] b, int offB, int ldb, int strideB,
                                    float beta, float[] c, int offC, int ldc, int strideC, int batch) {
        if (batch < 0) throw new IllegalArgumentException("sgemmBatched batch must be >= 0, got " + batch);
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("sgemmBatched strides must be >= 0: strideA=" + strideA + " strideB="
                    + strideB + " strideC=" + strideC);
        }
        if (batch > 1 && m > 0 && n > 0 && strideC < (long) (m - 1) * ldc + n) {
            throw new IllegalArgumentException("sgemmBatched strideC=" + strideC + " makes the " + m + "x" + n
                    + " outputs (ldc=" + ldc + ") overlap; it must be >= " + ((long) (m - 1) * ldc + n));
        }
        if (batch == 0) return;
        // Offsets grow with the index, so checking the first and the last matrix covers all of them.
        GemmArgs.check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        long last = batch - 1;
        long lastA = offA + last * strideA, lastB = offB + last * strideB, lastC = offC + last * strideC;
        if (lastA > Integer.MAX_VALUE || lastB > Integer.MAX_VALUE || lastC > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sgemmBatched: matrix " + last + " starts past the end of the arrays"
                    + " (offsets " + lastA + ", " + lastB + ", " + lastC + ")");
        }
        GemmArgs.check(transA, transB, m, n, k, a, (int) lastA, lda, b, (int) lastB, ldb, c, (int) lastC, ldc);
        if (batch > 1 && (c == a || c == b)) {
            // Matrix i's output must not meet any input matrix j, not only its own: GEMM i may overwrite A_j first.
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < batch; j++) {
                    GemmArgs.check(transA, transB, m, n, k, a, offA + j * strideA, lda, b, offB + j * strideB, ldb, c,
                            offC + i * strideC, ldc);
                }
            }
        }
        int threads = Parallel.threads();
        for (int i = 0; i < batch; i++) {
            GemmDriver.sgemm(KernelConfig.DEFAULT, threads, transA, transB, m, n, k, alpha, a, offA + i * strideA, lda,
                    b, offB + i * strideB, ldb, beta, c, offC + i * strideC, ldc);
        }
    }

    /**
     * {@code c = a * b + beta * c} on contiguous row-major tensors, rank 2 ({@code [m,k] x [k,n]}) or rank 3
     * ({@code [batch,m,k] x [batch,k,n]}; a rank-2 operand is shared by the whole batch). Transposes apply to the
     * last two dimensions.
     */
    public static void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float beta) {
        int ra = a.rank(), rb = b.rank(), rc = c.rank();
        if (ra < 2 || ra > 3 || rb < 2 || rb > 3 || rc != Math.max(ra, rb)) {
            throw new IllegalArgumentException("matmul needs rank-2 or rank-3 tensors with c of the larger rank, got "
                    + a.shapeString() + " x " + b.shapeString() + " -> " + c.shapeString());
        }
        int batch = rc == 3 ? c.dim(0) : 1;
        int ar = a.dim(ra - 2), ac = a.dim(ra - 1), br = b.dim(rb - 2), bc = b.dim(rb - 1);
        int m = transA ? ac : ar, k = transA ? ar : ac, kb = transB ? bc : br, n = transB ? br : bc;
        if (k != kb || c.dim(rc - 2) != m || c.dim(rc - 1) != n || (ra == 3 && a.dim(0) != batch)
                || (rb == 3 && b.dim(0) != batch)) {
            throw new IllegalArgumentException("matmul shapes disagree: " + a.shapeString() + (transA ? "^T" : "")
                    + " x " + b.shapeString() + (transB ? "^T" : "") + " -> " + c.shapeString());
        }
        if (!a.isContiguous() || !b.isContiguous() || !c.isContiguous()) {
            throw new IllegalArgumentException("matmul needs contiguous tensors, got strides "
                    + java.util.Arrays.toString(a.strides()) + ", " + java.util.Arrays.toString(b.strides()) + ", "
                    + java.util.Arrays.toString(c.strides()));
        }
        sgemmBatched(transA, transB, m, n, k, 1f, a.data(), a.offset(), ac, ra == 3 ? ar * ac : 0, b.data(),
                b.offset(), bc, rb == 3 ? br * bc : 0, beta, c.data(), c.offset(), n, m * n, batch);
    }

    /** Kernel id of this JVM's micro-kernel (e.g. {@code f32-gemm-6x2v-broadcast-512}), for logs and reports. */
    public static String kernelId() { return KernelConfig.DEFAULT.kernel().id(); }
}

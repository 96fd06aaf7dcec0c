package org.simdnn.kernels.gemm;

import org.simdnn.kernels.cpu.Parallel;

/**
 * An unpacked mid-sized product ({@link F32GemmSup}) of at least {@link KernelConfig#parallelMinFlops()} split
 * between threads by blocks of the kernel's MR rows. Every element is summed in the same order whatever the split,
 * so the result does not depend on the thread count. Kept in the caller's {@link GemmWorkspace} and reused: a
 * lambda per call would allocate.
 */
final class SupTask implements Parallel.RangeBody {
    private F32GemmSup sup;
    private F32GemmDirect tails;
    private int m, n, k, ai, lda, bi, ldb, ci, ldc, rows;
    private float alpha, beta;
    private float[] a, b, c;

    void run(F32GemmSup sup, F32GemmDirect tails, int threads, int m, int n, int k, float alpha, float[] a, int ai,
             int lda, float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        this.sup = sup;
        this.tails = tails;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.ai = ai;
        this.lda = lda;
        this.b = b;
        this.bi = bi;
        this.ldb = ldb;
        this.beta = beta;
        this.c = c;
        this.ci = ci;
        this.ldc = ldc;
        this.rows = sup.mr();
        try {
            int blocks = Math.ceilDiv(m, rows);
            Parallel.forRange(blocks, GemmTask.grain(blocks, threads), this);
        } finally {
            this.a = this.b = this.c = null;
        }
    }

    @Override
    public void run(int worker, int from, int to) {
        int r0 = from * rows, r1 = Math.min(m, to * rows);
        sup.gemm(tails, r1 - r0, n, k, alpha, a, ai + r0 * lda, lda, b, bi, ldb, beta, c, ci + r0 * ldc, ldc);
    }
}

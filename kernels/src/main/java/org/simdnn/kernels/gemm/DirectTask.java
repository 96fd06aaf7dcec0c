package org.simdnn.kernels.gemm;

import org.simdnn.kernels.cpu.Parallel;

/**
 * A large direct-kernel call (narrow C with many rows, e.g. m = 100352, n = 16) split by 8-row blocks across
 * threads. Kept in the caller's {@link GemmWorkspace} and reused: a lambda per call would allocate.
 */
final class DirectTask implements Parallel.RangeBody {
    private static final int ROWS = 8;
    private F32GemmDirect direct;
    private int m, n, k, ai, rsA, csA, bi, ldb, ci, ldc;
    private float alpha, beta;
    private float[] a, b, c;

    void run(F32GemmDirect direct, int threads, int m, int n, int k, float alpha, float[] a, int ai, int rsA, int csA,
             float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        this.direct = direct;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.ai = ai;
        this.rsA = rsA;
        this.csA = csA;
        this.b = b;
        this.bi = bi;
        this.ldb = ldb;
        this.beta = beta;
        this.c = c;
        this.ci = ci;
        this.ldc = ldc;
        try {
            int blocks = Math.ceilDiv(m, ROWS);
            Parallel.forRange(blocks, GemmTask.grain(blocks, threads), this);
        } finally {
            this.a = this.b = this.c = null;
        }
    }

    @Override
    public void run(int worker, int from, int to) {
        int r0 = from * ROWS, r1 = Math.min(m, to * ROWS);
        direct.gemm(r1 - r0, n, k, alpha, a, ai + r0 * rsA, rsA, csA, b, bi, ldb, beta, c, ci + r0 * ldc, ldc);
    }
}

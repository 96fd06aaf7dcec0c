package org.simdnn.kernels.gemm;

import org.simdnn.kernels.cpu.Parallel;

/**
 * One small-m SGEMM call ({@link F32GemmSmallM}), its columns of C split between threads: with B row-major in
 * whole vectors of columns (the last range also takes the overlapping last vector when n is not a multiple of
 * the vector), with B transposed in rows of B. Each thread streams only its part of B. Kept in the caller's
 * {@link GemmWorkspace} and reused: a lambda per call would allocate.
 */
final class SmallMTask implements Parallel.RangeBody {
    /** Floats of the accumulator block of one column chunk (m x w): 16 KiB, a third of Zen 5's 48 KiB L1d. */
    static final int CHUNK_FLOATS = 4096;

    private F32GemmSmallM kern;
    private boolean transB;
    private int m, n, k, kcMax, ai, rsA, csA, bi, ldb, ci, ldc, units;
    private float alpha, beta;
    private float[] a, b, c;

    /**
     * A(i, p) = {@code a[ai + i*rsA + p*csA]}; with {@code transB} A must be contiguous in p ({@code csA == 1}).
     * With B row-major n must be at least one vector, and k runs in blocks of at most {@code kcMax}: each block
     * sums from zero and is added to C (beta on the first block, 1 after it), as the blocked driver does.
     */
    void run(F32GemmSmallM kern, int threads, long parallelMinKn, int kcMax, boolean transB, int m, int n, int k,
             float alpha,
             float[] a, int ai, int rsA, int csA, float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        this.kern = kern;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.kcMax = kcMax;
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
        units = transB ? n : n / kern.lanes();
        try {
            int grain = threads > 1 && (long) k * n >= parallelMinKn ? GemmTask.grain(units, threads) : units;
            Parallel.forRange(units, grain, this);
        } finally {
            this.a = this.b = this.c = null;
        }
    }

    @Override
    public void run(int worker, int from, int to) {
        if (transB) {
            kern.dots(m, k, alpha, a, ai, rsA, b, bi, ldb, beta, c, ci, ldc, from, to);
            return;
        }
        int lanes = kern.lanes(), maxW = Math.max(lanes, CHUNK_FLOATS / m / lanes * lanes);
        float[] acc = GemmWorkspace.get().acc(m * (maxW + lanes));
        // Equal chunks of whole vectors, each at most maxW columns.
        int vecs = to - from, chunks = Math.ceilDiv(vecs * lanes, maxW), per = Math.ceilDiv(vecs, chunks);
        for (int v = from; v < to; v += per) {
            int j = v * lanes, w = Math.min(per, to - v) * lanes;
            chunk(j, w, 0, acc);
        }
        int tail = n % lanes;
        if (to == units && tail != 0) {
            // The last columns as one whole vector ending at n: it overlaps the previous one, whose columns it
            // computes again (the same arithmetic) without storing them.
            chunk(n - lanes, lanes, lanes - tail, acc);
        }
    }

    /** Columns [j, j + w) of C (the first skip not stored), k in the blocked driver's blocks. */
    private void chunk(int j, int w, int skip, float[] acc) {
        for (int pc = 0; pc < k; pc += kcMax) {
            int kb = Math.min(kcMax, k - pc);
            kern.rows(m, kb, alpha, a, ai + pc * csA, rsA, csA, b, bi + pc * ldb + j, ldb, pc == 0 ? beta : 1f, c,
                    ci + j, ldc, w, skip, acc);
        }
    }
}

package org.simdnn.kernels.gemm;

import org.simdnn.kernels.cpu.Parallel;

/**
 * One SGEMM call through the five BLIS loops. An instance lives in the calling thread's {@link GemmWorkspace}
 * and is reused (a lambda per call would allocate); it is the {@link Parallel.RangeBody} of both parallel
 * phases of each (jc, pc) block: packing B slivers, then computing row panels.
 *
 * <pre>
 * loop 5  jc over n  step NC         B panel  kc x nc  (packed once, shared by all threads)
 * loop 4   pc over k  step KC        beta applies to the first pc block only
 * loop 3    ic over m  step MC       split across threads by MR-row panels; A block mc x kc packed per thread
 * loop 2     jr over nc step NR      B sliver kc x NR
 * loop 1      ir over mc step MR     A sliver MR x kc  -> micro-kernel updates an MR x NR tile of C
 * </pre>
 */
final class GemmTask implements Parallel.RangeBody {
    private KernelConfig cfg;
    private F32GemmKernel kern;
    private boolean transA, transB, inPlaceA, packPhase;
    private int m, n, k, offA, lda, offB, ldb, offC, ldc;
    private float alpha, beta, betaBlk;
    private float[] a, b, c, pb;
    private int jc, nc, pc, kc;

    void run(KernelConfig cfg, int threads, boolean transA, boolean transB, int m, int n, int k, float alpha,
             float[] a, int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc,
             GemmWorkspace ws) {
        this.cfg = cfg;
        this.kern = cfg.kernel();
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.offA = offA;
        this.lda = lda;
        this.b = b;
        this.offB = offB;
        this.ldb = ldb;
        this.beta = beta;
        this.c = c;
        this.offC = offC;
        this.ldc = ldc;
        try {
            loops(threads, ws);
        } finally {
            this.a = this.b = this.c = this.pb = null; // do not pin the caller's arrays
        }
    }

    private void loops(int threads, GemmWorkspace ws) {
        final int mr = kern.mr(), nr = kern.nr();
        inPlaceA = !transA && k <= cfg.inPlaceMaxK() && n <= cfg.inPlaceMaxN();
        // Balanced k blocks: k=600 runs as 2 x 300, not 512 + 88.
        int kBlocks = inPlaceA ? 1 : Math.ceilDiv(k, cfg.kc());
        int kcMax = Math.ceilDiv(k, kBlocks);
        int mPanels = Math.ceilDiv(m, mr);
        long flops = 2L * m * n * k;
        int t = flops < cfg.parallelMinFlops() ? 1 : Math.min(threads, mPanels);
        for (jc = 0; jc < n; jc += cfg.nc()) {
            nc = Math.min(cfg.nc(), n - jc);
            int slivers = Math.ceilDiv(nc, nr);
            for (pc = 0; pc < k; pc += kc) {
                kc = Math.min(kcMax, k - pc);
                betaBlk = pc == 0 ? beta : 1f;
                pb = ws.pb(slivers * nr * kc);
                packPhase = true;
                if (t > 1 && (long) kc * nc >= 32 * 1024) {
                    Parallel.forRange(slivers, grain(slivers, t), this);
                } else {
                    run(0, 0, slivers);
                }
                packPhase = false;
                if (t > 1) {
                    Parallel.forRange(mPanels, grain(mPanels, t), this);
                } else {
                    run(0, 0, mPanels);
                }
            }
        }
    }

    /**
     * The {@link Parallel#forRange} grain that splits {@code n} units over {@code t} threads: floor(n / t).
     * forRange makes min(t, n / grain) ranges, so ceil(n / t) gave a single range whenever t does not divide n
     * (171 row panels at m = 1024 ran on one thread: 2 threads measured 155 GFLOPS, 242 after this fix).
     */
    static int grain(int n, int t) { return Math.max(1, n / t); }

    /** Parallel body: B slivers [from, to) in the pack phase, MR-row panels [from, to) in the compute phase. */
    @Override
    public void run(int worker, int from, int to) {
        if (packPhase) {
            int nr = kern.nr();
            for (int s = from; s < to; s++) {
                int j0 = s * nr, w = Math.min(nr, nc - j0);
                if (!transB && w == nr) {
                    kern.packB(kc, b, offB + pc * ldb + jc + j0, ldb, pb, s * kc * nr);
                } else {
                    GemmPack.packBSliver(transB, b, offB, ldb, pc, kc, jc + j0, w, nr, pb, s * kc * nr);
                }
            }
        } else if (inPlaceA) {
            computeInPlace(GemmWorkspace.get(), from, to);
        } else {
            computePacked(GemmWorkspace.get(), from, to);
        }
    }

    private void computePacked(GemmWorkspace ws, int fromPanel, int toPanel) {
        final F32GemmKernel kern = this.kern;
        final int mr = kern.mr(), nr = kern.nr(), kc = this.kc, nc = this.nc, ldc = this.ldc;
        final float alpha = this.alpha, betaBlk = this.betaBlk;
        final float[] pb = this.pb, c = this.c;
        int rowEnd = Math.min(m, toPanel * mr);
        // Balanced mc blocks within this thread's rows.
        int rows = rowEnd - fromPanel * mr;
        int mBlocks = Math.ceilDiv(rows, cfg.mc());
        int mcMax = Math.ceilDiv(Math.ceilDiv(rows, mBlocks), mr) * mr;
        float[] pa = ws.pa(mcMax * kc + F32GemmKernel.PACK_SLACK);
        for (int ic = fromPanel * mr; ic < rowEnd; ic += mcMax) {
            int mc = Math.min(mcMax, rowEnd - ic);
            // Not transposed: row panels (one copy per row), read with lda = kc. Transposed: MR floats per k are
            // contiguous in A, so the interleaved layout is the cheap one.
            boolean rowPanels = !transA;
            if (rowPanels) {
                GemmPack.packARows(a, offA, lda, ic, pc, mc, kc, mr, pa);
            } else {
                for (int ir = 0; ir < mc; ir += mr) {
                    int sl = Math.min(mr, mc - ir), src = offA + pc * lda + ic + ir, dst = (ir / mr) * kc * mr;
                    if (sl == mr) {
                        kern.packAT(kc, a, src, lda, pa, dst);
                    } else {
                        GemmPack.packATSliver(a, src, lda, kc, sl, mr, pa, dst);
                    }
                }
            }
            for (int jr = 0; jr < nc; jr += nr) {
                int nrEff = Math.min(nr, nc - jr), ib = (jr / nr) * kc * nr;
                for (int ir = 0; ir < mc; ir += mr) {
                    int mrEff = Math.min(mr, mc - ir), ia = (ir / mr) * kc * mr;
                    int ci = offC + (ic + ir) * ldc + jc + jr;
                    boolean full = mrEff == mr && nrEff == nr;
                    float[] dst = full ? c : ws.tile(mr * nr);
                    int di = full ? ci : 0, ldd = full ? ldc : nr;
                    float bd = full ? betaBlk : 0f;
                    if (rowPanels) {
                        kern.rowsInPlace(kc, pa, ia, kc, pb, ib, dst, di, ldd, alpha, bd);
                    } else {
                        kern.packed(kc, pa, ia, pb, ib, dst, di, ldd, alpha, bd);
                    }
                    if (!full) merge(dst, nr, c, ci, ldc, mrEff, nrEff, betaBlk);
                }
            }
        }
    }

    /** A read in place (one k block): MR full rows at a time; the ragged last rows are packed with padding. */
    private void computeInPlace(GemmWorkspace ws, int fromPanel, int toPanel) {
        final F32GemmKernel kern = this.kern;
        final int mr = kern.mr(), nr = kern.nr(), kc = this.kc, nc = this.nc, ldc = this.ldc, lda = this.lda;
        final float alpha = this.alpha, betaBlk = this.betaBlk;
        final float[] pb = this.pb, c = this.c, a = this.a;
        int rowEnd = Math.min(m, toPanel * mr);
        for (int i = fromPanel * mr; i < rowEnd; i += mr) {
            int mrEff = Math.min(mr, rowEnd - i);
            float[] pa = null;
            if (mrEff < mr) {
                pa = ws.pa(mr * kc);
                GemmPack.packA(a, offA, lda, i, pc, mrEff, kc, mr, pa);
            }
            int ai = offA + i * lda + pc;
            for (int jr = 0; jr < nc; jr += nr) {
                int nrEff = Math.min(nr, nc - jr), ib = (jr / nr) * kc * nr;
                int ci = offC + i * ldc + jc + jr;
                if (mrEff == mr && nrEff == nr) {
                    kern.rowsInPlace(kc, a, ai, lda, pb, ib, c, ci, ldc, alpha, betaBlk);
                } else {
                    float[] tile = ws.tile(mr * nr);
                    if (pa == null) {
                        kern.rowsInPlace(kc, a, ai, lda, pb, ib, tile, 0, nr, alpha, 0f);
                    } else {
                        kern.packed(kc, pa, 0, pb, ib, tile, 0, nr, alpha, 0f);
                    }
                    merge(tile, nr, c, ci, ldc, mrEff, nrEff, betaBlk);
                }
            }
        }
    }

    /** Partial tile: C = tile + beta*C over rows x cols (tile already holds alpha*AB); beta == 0 never reads C. */
    private static void merge(float[] tile, int nr, float[] c, int ci, int ldc, int rows, int cols, float beta) {
        for (int i = 0; i < rows; i++) {
            int t = i * nr, o = ci + i * ldc;
            if (beta == 0f) {
                System.arraycopy(tile, t, c, o, cols);
            } else {
                for (int j = 0; j < cols; j++) c[o + j] = Math.fma(beta, c[o + j], tile[t + j]);
            }
        }
    }
}

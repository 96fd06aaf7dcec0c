package org.simdnn.kernels.gemm;

import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.OpChecks;
import org.simdnn.ops.PreparedGemm;

/**
 * The CPU backend's {@link PreparedGemm}. B is laid out twice at construction: in column panels of
 * {@link F32GemmPanel#W} floats, k-major ({@code [ceil(n/W)][k][W]}, zero columns past n), which the small-m
 * path ({@code m <= }{@link #SMALL_M}: batch-1 and batch-4 fully connected layers) streams once per call,
 * split between threads by panels; and row-major {@code [k, n]} for {@link Gemm#sgemm} at larger m. The bias,
 * residual and clamp are applied per panel as it is stored (small m) or per row after the GEMM.
 */
public final class PanelGemm implements PreparedGemm {
    /** Rows up to which the panel path runs (its register tile is at most 4 rows; m = 5..8 runs it twice). */
    static final int SMALL_M = 8;
    /** Panel work (k·n) below which one thread runs all panels: the hand-off would cost more than it saves. */
    static final long PARALLEL_MIN_KN = 64 * 1024;
    /** B sizes (k·n floats) up to which large m runs in row blocks with the epilogue per block. */
    static final long BLOCK_MAX_KN = 128 * 1024;
    /** Output floats per row block of the small-B path: 512 KiB, half of Zen 5's L2. */
    static final long BLOCK_OUT = 128 * 1024;
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;

    private final int k, n;
    private final float[] panels, rowMajor, bias;
    private final float lo, hi;
    /** False for the scalar form ({@link #ofScalar}); read once per call or per stored panel row, never per element. */
    private final boolean vector;
    private final KernelConfig cfg;

    private PanelGemm(boolean transB, int k, int n, float[] b, int offB, float[] bias, int offBias, Clamp clamp,
                      boolean scalar) {
        this.k = k;
        this.n = n;
        this.vector = VECTOR && !scalar;
        this.cfg = scalar ? KernelConfig.SCALAR : KernelConfig.DEFAULT;
        rowMajor = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) rowMajor[p * n + j] = transB ? b[offB + j * k + p] : b[offB + p * n + j];
        }
        if (vector) {
            int w = F32GemmPanel.W, np = (n + w - 1) / w;
            panels = new float[np * k * w];
            for (int q = 0; q < np; q++) {
                int cols = Math.min(w, n - q * w);
                for (int p = 0; p < k; p++) System.arraycopy(rowMajor, p * n + q * w, panels, (q * k + p) * w, cols);
            }
        } else {
            panels = null;
        }
        this.bias = bias == null ? null : java.util.Arrays.copyOfRange(bias, offBias, offBias + n);
        lo = clamp.lo();
        hi = clamp.hi();
    }

    /** B {@code [k, n]} row-major, or {@code [n, k]} when {@code transB}; B and bias are copied. */
    public static PanelGemm of(boolean transB, int k, int n, float[] b, int offB, float[] bias, int offBias, Clamp clamp) {
        OpChecks.gemmWeights(transB, k, n, b, offB, bias, offBias, clamp);
        return new PanelGemm(transB, k, n, b, offB, bias, offBias, clamp, false);
    }

    /**
     * As {@link #of}, running the plain-Java GEMM kernel at every m whatever the vector width: the form a session
     * runs until C2 has compiled the vector kernels ({@link Gemm#sgemmScalar}).
     */
    public static PanelGemm ofScalar(boolean transB, int k, int n, float[] b, int offB, float[] bias, int offBias,
                                     Clamp clamp) {
        OpChecks.gemmWeights(transB, k, n, b, offB, bias, offBias, clamp);
        return new PanelGemm(transB, k, n, b, offB, bias, offBias, clamp, true);
    }

    @Override public int k() { return k; }

    @Override public int n() { return n; }

    /**
     * The panel kernel for small m; above it (and at every m on the scalar path) the kernel {@link Gemm#sgemm}
     * chooses for the rows it is given: all m rows when B is large, else a block of {@link #rowsPerBlock} rows
     * (a short last block may run the direct kernel where the full ones run the blocked one).
     */
    @Override
    public String id(int m) {
        if (vector && m <= SMALL_M) return "f32-gemm-panel-4x2v-" + CpuInfo.VECTOR_BITS;
        int rows = (long) k * n > BLOCK_MAX_KN ? m : rowsPerBlock(m);
        return GemmDriver.kernelId(cfg, Math.max(rows, 1), n, k);
    }

    @Override
    public void forward(int m, float[] a, int offA, float[] residual, int offR, float[] c, int offC) {
        OpChecks.preparedGemm(m, k, n, a, offA, residual, offR, c, offC);
        if (m == 0) return;
        if (vector && m <= SMALL_M) {
            new Small(m, a, offA, residual, offR, c, offC).run();
            return;
        }
        if ((long) k * n > BLOCK_MAX_KN) {
            sgemm(m, a, offA, c, offC);
            for (int i = 0; i < m; i++) epilogue(c, offC + i * n, residual, offR + i * n, 0, n);
            return;
        }
        // Small B (a 1x1 convolution's weights): blocks of rows split evenly between the threads, each GEMM'd and
        // then finished while its output is in L2 (at most BLOCK_OUT floats). 96-row blocks ran MobileNetV2's
        // 1x1 layers at 65-96 GFLOPS, 512 to 3136 rows at 100-125 (1 thread, Zen 5): B is packed again per block.
        int rowsPer = rowsPerBlock(m), nb = (m + rowsPer - 1) / rowsPer;
        Parallel.forRange(nb, 1, (wk, b0, b1) -> {
            for (int blk = b0; blk < b1; blk++) {
                int i = blk * rowsPer, rows = Math.min(rowsPer, m - i);
                sgemm(rows, a, offA + i * k, c, offC + i * n);
                for (int r = i; r < i + rows; r++) epilogue(c, offC + r * n, residual, offR + r * n, 0, n);
            }
        });
    }

    /** {@code c = a · B} for {@code rows} rows, with this form's GEMM kernel. */
    private void sgemm(int rows, float[] a, int offA, float[] c, int offC) {
        GemmDriver.sgemm(cfg, Parallel.threads(), false, false, rows, n, k, 1f, a, offA, k, rowMajor, 0, n, 0f, c, offC, n);
    }

    /** Checked once; at small m the bound call allocates nothing (its range body is made here). */
    @Override
    public Runnable bind(int m, float[] a, int offA, float[] residual, int offR, float[] c, int offC) {
        OpChecks.preparedGemm(m, k, n, a, offA, residual, offR, c, offC);
        if (vector && m > 0 && m <= SMALL_M) return new Small(m, a, offA, residual, offR, c, offC);
        return () -> forward(m, a, offA, residual, offR, c, offC);
    }

    /** The small-m path on fixed operands: the panels split between threads (one thread for small k·n). */
    private final class Small implements Runnable {
        private final int m, offA, offR, offC, np, grain;
        private final float[] a, res, c;
        private final Parallel.RangeBody body = this::panels;

        Small(int m, float[] a, int offA, float[] res, int offR, float[] c, int offC) {
            this.m = m;
            this.a = a;
            this.offA = offA;
            this.res = res;
            this.offR = offR;
            this.c = c;
            this.offC = offC;
            np = (n + F32GemmPanel.W - 1) / F32GemmPanel.W;
            grain = (long) k * n >= PARALLEL_MIN_KN ? 1 : np;
        }

        @Override public void run() { Parallel.forRange(np, grain, body); }

        private void panels(int wk, int q0, int q1) { PanelGemm.this.panels(m, q0, q1, a, offA, res, offR, c, offC); }
    }

    /** Rows per block of the small-B path: blocks of at most BLOCK_OUT output floats, a multiple of the threads. */
    private int rowsPerBlock(int m) {
        int t = Parallel.threads();
        long blocks = Math.max(t, ((long) m * n + BLOCK_OUT - 1) / BLOCK_OUT);
        blocks = (blocks + t - 1) / t * t;
        return (int) Math.min(m, Math.max(8, (m + blocks - 1) / blocks));
    }

    /** Panels [q0, q1) for all m rows, in row groups of up to 4. */
    private void panels(int m, int q0, int q1, float[] a, int offA, float[] res, int offR, float[] c, int offC) {
        int w = F32GemmPanel.W;
        float[] tile = GemmWorkspace.get().tile(4 * w);
        for (int q = q0; q < q1; q++) {
            int j0 = q * w, cols = Math.min(w, n - j0);
            for (int i0 = 0; i0 < m; i0 += 4) {
                int rows = Math.min(4, m - i0);
                F32GemmPanel.rows(rows, k, a, offA + i0 * k, panels, q * k * w, tile);
                for (int r = 0; r < rows; r++) {
                    int ci = offC + (i0 + r) * n + j0;
                    System.arraycopy(tile, r * w, c, ci, cols);
                    epilogue(c, ci, res, offR + (i0 + r) * n + j0, j0, cols);
                }
            }
        }
    }

    /** c[ci..ci+cols) = clamp(c + bias[j0..] + res[ri..]), bias and res when present. */
    private void epilogue(float[] c, int ci, float[] res, int ri, int j0, int cols) {
        float[] b = bias;
        if (b == null && res == null && lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) return;
        if (vector) {
            F32GemmPanel.epilogue(c, ci, b, j0, res, ri, cols, lo, hi);
            return;
        }
        for (int j = 0; j < cols; j++) {
            float v = c[ci + j];
            if (b != null) v += b[j0 + j];
            if (res != null) v += res[ri + j];
            c[ci + j] = Math.min(Math.max(v, lo), hi);
        }
    }
}

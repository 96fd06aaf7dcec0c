package org.simdnn.kernels.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * The prepared forward of a 1x1 convolution ({@link PointwiseGemmConv}) whose weights or activations fit in
 * L2, vector width > 0: MobileNet's expansion and projection layers, few input channels over many pixels, and
 * its 7x7 layers, large weights over few pixels.
 *
 * <p>The weights are packed once into panels of up to 4 vectors of output channels, k-major ({@code [k][NV·L]},
 * the last panel as wide as the channels left); the activations are read in place, pixel rows of {@code inC}
 * floats. A register tile ({@link PointwiseTiles}) starts from the bias and stores clamp(acc + residual), so
 * the output is written once: the blocked GEMM it replaces packed A and B per block of rows and finished each
 * row in a second pass, which for k = 16 cost as much as the product.
 *
 * <p>Work: pixel rows in units of 24 (a multiple of every tile's rows) split evenly between the threads (batch
 * 1 uses them all); each thread walks its rows in chunks of about {@link #CHUNK_FLOATS} floats of A, which stay
 * in L1 while every panel passes over them; with weights larger than L2 (accepted only when all of A fits
 * in it), one chunk holds all of the thread's rows, so each panel streams in once. Rows short of a tile go
 * through a zero-padded copy.
 */
final class PointwiseConv1x1 extends PreparedConv {
    /** Weight floats (inC·outC) up to which this runs: 640 KiB of panels leave Zen 5's 1 MiB L2 room for A and C. */
    static final long MAX_KN = 160 * 1024;
    /** A floats per chunk of rows while the panels stay in L2: 32 KiB of Zen 5's 48 KiB L1d. */
    private static final int CHUNK_FLOATS = 8 * 1024;
    /**
     * A floats (pixels·inC) up to which larger weights run here too: all of A stays in L2 (256 KiB) while each
     * panel streams in once, where the blocked GEMM would pack all of B on every call (MobileNetV2's 7x7 layers).
     */
    static final long MAX_A_LARGE_B = 64 * 1024;
    /** Rows per unit of work: a multiple of every tile's rows (8 and 6). */
    private static final int UNIT = 24;
    /** Below this many FLOPs one thread runs the layer: the hand-off would cost more than it saves. */
    private static final long PARALLEL_MIN_FLOPS = 400_000;
    private static final int L = PointwiseTiles.L;

    private final int k, n, nv, panels, width;
    /** Whether the weights exceed {@link #MAX_KN}: then one chunk holds all of a thread's rows. */
    private final boolean largeB;
    /** Panel q at {@code q·k·width}, row p at {@code + p·(its vectors)·L}. */
    private final float[] packed;
    /** The bias zero-padded to whole panels. */
    private final float[] biasPadded;

    PointwiseConv1x1(String id, Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        super(id, d, bias, bo, clamp);
        k = d.inC();
        n = d.outC();
        largeB = (long) k * n > MAX_KN;
        int nvec = (n + L - 1) / L;
        nv = vectorsPerPanel(nvec);
        width = nv * L;
        panels = (nvec + nv - 1) / nv;
        packed = new float[panels * k * width];
        for (int q = 0; q < panels; q++) {
            int j0 = q * width, wq = panelVectors(q) * L, cols = Math.min(wq, n - j0);
            for (int p = 0; p < k; p++) System.arraycopy(w, wo + p * n + j0, packed, q * k * width + p * wq, cols);
        }
        biasPadded = new float[panels * width];
        if (bias != null) System.arraycopy(bias, bo, biasPadded, 0, n);
    }

    /**
     * Vectors per panel for {@code nvec} vectors of output channels: all of them up to 4, else the widest of 4, 3,
     * 2 that leaves the fewest vectors to a narrower last panel.
     */
    static int vectorsPerPanel(int nvec) {
        if (nvec <= 4) return nvec;
        int best = 4;
        for (int v = 3; v >= 2; v--) if (nvec % v < nvec % best && nvec % best != 0) best = v;
        return best;
    }

    /** Whether this runs the forward of {@code d} (1x1, vector width > 0): weights in L2, or A in L2. */
    static boolean accepts(Conv2dDesc d) {
        long kn = (long) d.inC() * d.outC(), a = (long) d.batch() * d.outH() * d.outW() * d.inC();
        return kn <= MAX_KN || a <= MAX_A_LARGE_B;
    }

    private int panelVectors(int q) { return Math.min(nv, (n + L - 1) / L - q * nv); }

    @Override
    void run(float[] x, int xo, float[] res, int ro, float[] y, int yo) { task(x, xo, res, ro, y, yo).run(); }

    /** The range body made once, so that running the task allocates nothing. */
    @Override
    Runnable task(float[] x, int xo, float[] res, int ro, float[] y, int yo) {
        int m = desc.batch() * desc.outH() * desc.outW(), units = (m + UNIT - 1) / UNIT;
        boolean serial = 2L * m * n * k < PARALLEL_MIN_FLOPS;
        Parallel.RangeBody body = (wk, u0, u1) -> rows(u0 * UNIT, Math.min(m, u1 * UNIT), x, xo, res, ro, y, yo);
        return () -> Parallel.forRange(units, serial ? units : Math.max(1, units / Parallel.threads()), body);
    }

    /** Output rows [r0, r1) (row i of x at {@code xo + i·inC}, of res and y at {@code ro, yo + i·outC}). */
    void rows(int r0, int r1, float[] x, int xo, float[] res, int ro, float[] y, int yo) {
        int chunk = largeB ? r1 - r0 : Math.max(UNIT, CHUNK_FLOATS / k / UNIT * UNIT);
        for (int c0 = r0; c0 < r1; c0 += chunk) {
            int c1 = Math.min(r1, c0 + chunk);
            for (int q = 0; q < panels; q++) {
                int nvq = panelVectors(q), mr = PointwiseTiles.rows(nvq), j0 = q * width, bq = q * k * width;
                boolean whole = j0 + nvq * L <= n;
                int i = c0;
                if (whole) {
                    for (; i + mr <= c1; i += mr) {
                        PointwiseTiles.tile(nvq, k, x, xo + i * k, k, packed, bq, biasPadded, j0, res, ro + i * n + j0,
                                y, yo + i * n + j0, n, lo, hi);
                    }
                }
                for (; i < c1; i += mr) viaScratch(nvq, mr, i, Math.min(mr, c1 - i), j0, bq, x, xo, res, ro, y, yo);
            }
        }
    }

    /**
     * Rows [i, i + rows) of panel j0 through a scratch tile: rows short of a tile's mr (A copied and zero-padded)
     * or a last panel narrower than its vectors (the tiles store whole vectors).
     */
    private void viaScratch(int nvq, int mr, int i, int rows, int j0, int bq, float[] x, int xo, float[] res, int ro,
                            float[] y, int yo) {
        int wq = nvq * L, cols = Math.min(wq, n - j0);
        float[] at = x;
        int ao = xo + i * k;
        if (rows < mr) {
            at = Scratch.get(Scratch.PAD, mr * k);
            ao = 0;
            System.arraycopy(x, xo + i * k, at, 0, rows * k);
            Arrays.fill(at, rows * k, mr * k, 0f);
        }
        float[] ct = Scratch.get(Scratch.TILE, mr * wq);
        PointwiseTiles.tile(nvq, k, at, ao, k, packed, bq, biasPadded, j0, null, 0, ct, 0, wq,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        FloatVector vlo = FloatVector.broadcast(PointwiseTiles.F, lo), vhi = FloatVector.broadcast(PointwiseTiles.F, hi);
        for (int r = 0; r < rows; r++) {
            int o = yo + (i + r) * n + j0, s = ro + (i + r) * n + j0;
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> m = PointwiseTiles.F.indexInRange(j, cols);
                FloatVector v = FloatVector.fromArray(PointwiseTiles.F, ct, r * wq + j);
                if (res != null) v = v.add(FloatVector.fromArray(PointwiseTiles.F, res, s + j, m));
                v.max(vlo).min(vhi).intoArray(y, o + j, m);
            }
        }
    }
}

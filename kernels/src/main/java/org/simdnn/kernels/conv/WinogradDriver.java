package org.simdnn.kernels.conv;

import static org.simdnn.kernels.conv.ConvTiles.MR;
import static org.simdnn.kernels.conv.ConvTiles.NR;

import java.util.Arrays;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * The Winograd driver shared by F(2x2, 3x3) and F(4x4, 3x3): per group of images (one per thread at a time) pad
 * into a per-thread buffer, then blocks of up to {@code tb} tiles: input transform into {@code V[planes][tb][Dp]},
 * one GEMM per plane {@code M[ξ] = V[ξ]·U[ξ]} on {@link ConvTiles#fwd8x2v} (one "tap", depth = channels), output
 * transform into the NHWC output. A block's V and M stay in L2, each ξ's weights ({@code Dp·Qp} floats) in L1
 * across its row tiles. Parallel over image groups: no reduction crosses a thread.
 */
final class WinogradDriver {
    /** Images are grouped until a group has at least this many tiles (small images fill blocks). */
    static final int GROUP_TILES = 64;
    /**
     * Floats between consecutive ξ planes of V and M beyond their size: one cache line, so the planes a
     * transform touches together do not share an L1 set (tb·D floats is often a multiple of 4 KiB: 16 streams
     * in one 12-way set made the F(2x2) transforms 2-3x slower).
     */
    static final int PLANE_PAD = 16;

    /** Below this depth (input channels; output channels for backward data) the transforms outweigh the saving. */
    static final int MIN_DEPTH = 16;

    /**
     * Below this many output tiles per call (batch x tiles per image) the transformed weights, 16/9 (F(2x2)) or 36/9
     * (F(4x4)) the raw size, stream from memory for too few tiles to pay for themselves: ResNet-18's 7x7x512 layers at
     * batch 1 (16 F(2x2) tiles) ran 2.85 ms against 1.62 ms on the implicit GEMM, its 14x14x256 ones (49 tiles)
     * 1.17 against 1.27 ms (1 thread, Zen 5).
     */
    static final int MIN_TILES = 32;

    private WinogradDriver() {}

    /** Null when forward / backward data with {@code tile x tile} output tiles makes at least MIN_TILES tiles. */
    static String declinesFewTiles(Conv2dDesc d, ConvPass pass, int tile) {
        if (pass == ConvPass.BACKWARD_WEIGHTS) return null;
        boolean fwd = pass == ConvPass.FORWARD;
        int oh = fwd ? d.outH() : d.inH(), ow = fwd ? d.outW() : d.inW();
        long tiles = (long) d.batch() * ((oh + tile - 1) / tile) * ((ow + tile - 1) / tile);
        if (tiles >= MIN_TILES) return null;
        return tiles + " output tiles < " + MIN_TILES + " (the transformed weights stream for too few tiles)";
    }

    /** Null for a 3x3, stride-1, undilated, ungrouped descriptor, else why not. */
    static String rejectsShape(Conv2dDesc d) {
        if (d.groups() != 1) return "groups " + d.groups() + " != 1";
        if (d.kH() != 3 || d.kW() != 3) return "kernel " + d.kH() + "x" + d.kW() + " is not 3x3";
        if (d.strideH() != 1 || d.strideW() != 1) return "stride " + d.strideH() + "x" + d.strideW() + " is not 1";
        if (d.dilationH() != 1 || d.dilationW() != 1) {
            return "dilation " + d.dilationH() + "x" + d.dilationW() + " is not 1";
        }
        return null;
    }

    /** Forward / backward data through the driver: depth >= MIN_DEPTH, columns in whole vectors. */
    static String rejectsChannels(Conv2dDesc d, ConvPass pass) {
        boolean fwd = pass == ConvPass.FORWARD;
        int depth = fwd ? d.inC() : d.outC(), cols = fwd ? d.outC() : d.inC();
        if (depth < MIN_DEPTH) return (fwd ? "inC " : "outC ") + depth + " < " + MIN_DEPTH + " (transforms outweigh the saving)";
        if (cols % ConvVectors.L != 0) {
            return (fwd ? "outC " : "inC ") + cols + " is not a multiple of the vector length " + ConvVectors.L;
        }
        return null;
    }

    /**
     * The forward pass of variant {@code tf}: weights transformed per call into this thread's scratch, then
     * {@link #run}.
     */
    static void forward(WinogradTransforms tf, Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias,
                        int bo, float[] y, int yo) {
        int C = d.inC(), K = d.outC(), Dp = roundUp(C, ConvVectors.L), Qp = roundUp(K, NR);
        float[] u = Scratch.get(Scratch.WPACK, tf.planes() * Dp * Qp);
        transformWeights(tf, w, wo, C, K, false, u, Dp, Qp);
        run(tf, x, xo, d.batch(), d.inH(), d.inW(), C, d.outH(), d.outW(), d.padTop(), d.padLeft(), u, Dp, Qp, bias,
                bo, K, y, yo, null, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /** Backward data: the forward transform on dY with flipped, I/O-swapped weights and padding {@code 2 − pad}. */
    static void backwardData(WinogradTransforms tf, Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx,
                             int dxo) {
        int C = d.inC(), K = d.outC(), Dp = roundUp(K, ConvVectors.L), Qp = roundUp(C, NR);
        float[] u = Scratch.get(Scratch.WPACK, tf.planes() * Dp * Qp);
        transformWeights(tf, w, wo, C, K, true, u, Dp, Qp);
        run(tf, dy, dyo, d.batch(), d.outH(), d.outW(), K, d.inH(), d.inW(), 2 - d.padTop(), 2 - d.padLeft(), u, Dp,
                Qp, null, 0, C, dx, dxo, null, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /**
     * The forward pass with the weights transformed once, at construction: a call runs only the data transforms
     * and the GEMMs, the bias, residual and clamp applied as the output transform stores.
     */
    static final class Prepared extends PreparedConv {
        private final WinogradTransforms tf;
        private final float[] u;
        private final int dp, qp;

        Prepared(String id, WinogradTransforms tf, Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
            super(id, d, bias, bo, clamp);
            this.tf = tf;
            dp = roundUp(d.inC(), ConvVectors.L);
            qp = roundUp(d.outC(), NR);
            u = new float[tf.planes() * dp * qp];
            transformWeights(tf, w, wo, d.inC(), d.outC(), false, u, dp, qp);
        }

        @Override
        void run(float[] x, int xo, float[] res, int ro, float[] y, int yo) { task(x, xo, res, ro, y, yo).run(); }

        @Override
        Runnable task(float[] x, int xo, float[] res, int ro, float[] y, int yo) {
            Conv2dDesc d = desc;
            return new Forward(tf, x, xo, d.batch(), d.inH(), d.inW(), d.inC(), d.outH(), d.outW(), d.padTop(),
                    d.padLeft(), u, dp, qp, bias, 0, d.outC(), y, yo, res, ro, lo, hi);
        }
    }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    /**
     * HWIO weights {@code [3][3][C][K]} to {@code U[planes][Qp/NR][Dp][NR]} with the variant's {@code U = G g Gᵀ}
     * per (depth, column) pair, zero past the real channels. Forward: depth c, column k. Backward data
     * ({@code flip}): depth k, column c, taps rotated 180°.
     */
    static void transformWeights(WinogradTransforms tf, float[] w, int wo, int C, int K, boolean flip, float[] u,
                                 int Dp, int Qp) {
        int depth = flip ? K : C, cols = flip ? C : K, slivers = Qp / NR, js = slivers * Dp * NR;
        int planes = tf.planes();
        // Parallel over depth rows (disjoint in every plane); serial, this was 1.3 % of a training step.
        Parallel.forRange(Dp, 4, (wk, d0, d1) -> {
            for (int ps = 0; ps < planes * slivers; ps++) Arrays.fill(u, (ps * Dp + d0) * NR, (ps * Dp + d1) * NR, 0f);
            float[] g = new float[9];
            double[] scratch = new double[18];
            for (int dd = d0; dd < Math.min(d1, depth); dd++) {
                for (int q = 0; q < cols; q++) {
                    int c = flip ? q : dd, k = flip ? dd : q;
                    for (int t = 0; t < 9; t++) g[flip ? 8 - t : t] = w[wo + (t * C + c) * K + k];
                    tf.weights(g, scratch, u, (q / NR * Dp + dd) * NR + q % NR, js);
                }
            }
        });
    }

    /** Tiles per block: V and M (or dY) of a block within {@code budget} floats, whole 8-row tiles. */
    static int blockTiles(int planes, int budget, int Dp, int Qp, int tiles) {
        int tb = Math.max(MR, Math.min(128, budget / (planes * (Dp + Qp)) / MR * MR));
        return Math.min(tb, (tiles + MR - 1) / MR * MR);
    }

    /**
     * Input {@code [N, H, W, D]} (depth D), output {@code [N, OH, OW, Q]} with {@code out[oh, ow] = Σ} over the 3x3
     * window at {@code (oh − pt, ow − pl)} (negative pads crop); U {@code [planes][Qp/NR][Dp][NR]} (the variant's
     * weight transform); bias Q floats or null; then the epilogue: {@code + res} (out's shape, at {@code ro}; may be
     * null), clamped to [lo, hi]. Parallel over image groups; with fewer groups than threads (batch 1), over runs
     * of tiles inside each group instead.
     */
    static void run(WinogradTransforms tf, float[] in, int io, int N, int H, int W, int D, int OH, int OW, int pt,
                    int pl, float[] u, int Dp, int Qp, float[] bias, int bo, int Q, float[] out, int oo, float[] res,
                    int ro, float lo, float hi) {
        new Forward(tf, in, io, N, H, W, D, OH, OW, pt, pl, u, Dp, Qp, bias, bo, Q, out, oo, res, ro, lo, hi).run();
    }

    /**
     * One call of {@link #run} with its geometry and range bodies made once, so that running it again allocates
     * nothing. {@link Prepared#task} keeps one per bound set of operands (an inference session's buffers); not
     * for two threads at once.
     */
    static final class Forward implements Runnable {
        private final WinogradTransforms tf;
        private final float[] in, u, bias, out, res;
        private final int io, N, H, W, D, OH, OW, pt, pl, Dp, Qp, bo, Q, oo, rd, T, tW, Hp, Wp, img, group, groups;
        private final float lo, hi;
        private final Parallel.RangeBody groupBody = this::groups, runBody = this::runs;
        /** Tiles per block of the group split; fixed by the sizes. */
        private final int groupTB;
        /** The group the run split works on (set before each split): padded input, tiles, block, output offset. */
        private float[] xp;
        private int tiles, runTB, yo;

        Forward(WinogradTransforms tf, float[] in, int io, int N, int H, int W, int D, int OH, int OW, int pt, int pl,
                float[] u, int Dp, int Qp, float[] bias, int bo, int Q, float[] out, int oo, float[] res, int ro,
                float lo, float hi) {
            this.tf = tf;
            this.in = in;
            this.io = io;
            this.N = N;
            this.H = H;
            this.W = W;
            this.D = D;
            this.OH = OH;
            this.OW = OW;
            this.pt = pt;
            this.pl = pl;
            this.u = u;
            this.Dp = Dp;
            this.Qp = Qp;
            this.bias = bias;
            this.bo = bo;
            this.Q = Q;
            this.out = out;
            this.oo = oo;
            this.res = res;
            this.lo = lo;
            this.hi = hi;
            int mt = tf.m(), tH = (OH + mt - 1) / mt;
            tW = (OW + mt - 1) / mt;
            T = tH * tW;
            Hp = mt * tH + 2;
            Wp = mt * tW + 2;
            img = Hp * Wp * Dp;
            group = Math.max(1, Math.min(N, (GROUP_TILES + T - 1) / T));
            groups = (N + group - 1) / group;
            rd = ro - oo;
            groupTB = blockTiles(tf.planes(), tf.blockFloats(), Dp, Qp, group * T);
        }

        /** Parallel over image groups; with fewer groups than threads (batch 1), over runs of tiles in each. */
        @Override
        public void run() {
            int threads = Parallel.threads();
            if (groups >= threads || threads == 1) {
                Parallel.forRange(groups, 1, groupBody);
                return;
            }
            // Few images: each group's tiles split in runs of MR between the threads, which share the padded input.
            xp = Scratch.get(Scratch.PAD, group * img);
            for (int gi = 0; gi < groups; gi++) {
                int n0 = gi * group, imgs = Math.min(group, N - n0), units;
                tiles = imgs * T;
                units = (tiles + MR - 1) / MR;
                for (int i = 0; i < imgs; i++) {
                    ImplicitGemmConv.padImage(in, io + (n0 + i) * H * W * D, H, W, D, pt, pl, xp, i * img, Hp, Wp, Dp);
                }
                runTB = blockTiles(tf.planes(), tf.blockFloats(), Dp, Qp, (units + threads - 1) / threads * MR);
                yo = oo + n0 * OH * OW * Q;
                Parallel.forRange(units, 1, runBody);
            }
            xp = null;
        }

        private void groups(int wk, int g0, int g1) {
            float[] xp = Scratch.get(Scratch.PAD, group * img);
            for (int gi = g0; gi < g1; gi++) {
                int n0 = gi * group, imgs = Math.min(group, N - n0);
                for (int i = 0; i < imgs; i++) {
                    ImplicitGemmConv.padImage(in, io + (n0 + i) * H * W * D, H, W, D, pt, pl, xp, i * img, Hp, Wp, Dp);
                }
                tiles(tf, xp, 0, imgs * T, groupTB, T, tW, img, Wp, Dp, u, Qp, bias, bo, Q, out, oo + n0 * OH * OW * Q,
                        OH, OW, res, rd, lo, hi);
            }
        }

        private void runs(int wk, int u0, int u1) {
            tiles(tf, xp, u0 * MR, Math.min(tiles, u1 * MR), runTB, T, tW, img, Wp, Dp, u, Qp, bias, bo, Q, out, yo, OH,
                    OW, res, rd, lo, hi);
        }
    }

    /**
     * Tiles [t0, t1) of a group padded into {@code xp}, in blocks of up to {@code TB}: input transform, one GEMM
     * per plane, output transform with the epilogue. Scratch is the calling thread's.
     */
    private static void tiles(WinogradTransforms tf, float[] xp, int t0, int t1, int TB, int T, int tW, int img,
                              int Wp, int Dp, float[] u, int Qp, float[] bias, int bo, int Q, float[] out, int oo,
                              int OH, int OW, float[] res, int rd, float lo, float hi) {
        int planes = tf.planes(), vs = TB * Dp + PLANE_PAD, ms = TB * Qp + PLANE_PAD;
        float[] v = Scratch.get(Scratch.TILE, planes * vs);
        float[] m = Scratch.get(Scratch.ACC, planes * ms);
        float[] tmp = Scratch.get(Scratch.DY, planes * ConvVectors.L);
        float[] bp = Scratch.get(Scratch.BIAS, Qp);
        Arrays.fill(bp, 0, Qp, 0f); // the GEMM tile adds a bias: zero (the real one is added after Aᵀ M A)
        int[] base = Scratch.ints(Scratch.OFFSETS, TB);
        for (int p = 0; p < TB; p++) base[p] = p * Dp;
        int[] plane = Scratch.ints(Scratch.TAPS, 1);
        for (int b0 = t0; b0 < t1; b0 += TB) {
            int nb = Math.min(TB, t1 - b0), rows = (nb + MR - 1) / MR * MR;
            tf.input(xp, b0, nb, T, tW, img, Wp, Dp, v, vs, tmp);
            for (int xi = 0; xi < planes; xi++) {
                plane[0] = xi * vs;
                for (int p0 = 0; p0 < rows; p0 += MR) {
                    for (int j = 0; j < Qp; j += NR) {
                        ConvTiles.fwd8x2v(v, base, p0, plane, 1, Dp, u, (xi * Qp + j) * Dp, bp, 0, m,
                                xi * ms + p0 * Qp + j, Qp);
                    }
                }
            }
            tf.output(m, b0, nb, T, tW, Qp, ms, bias, bo, Q, out, oo, OH, OW, tmp, res, rd, lo, hi);
        }
    }
}

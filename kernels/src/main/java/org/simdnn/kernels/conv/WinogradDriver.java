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
        private final Parallel.RangeBody transformBody = this::transforms, columnBody = this::columns;
        /** Tiles per block of the group split; fixed by the sizes. */
        private final int groupTB;
        /** The group a split works on (set before each split): tiles, block, output and input offsets. */
        private int tiles, runTB, yo, gin;
        /** The block the column split works on: shared V, its plane stride, first tile, tiles, rows, chunks. */
        private float[] v;
        private int vs, first, nb, rows, ct, nch;

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

        /**
         * Parallel over image groups; with fewer groups than threads (batch 1), inside each group: over runs of tiles,
         * or over output-channel slivers where U is large next to the transformed input ({@link #splitsColumns}).
         */
        @Override
        public void run() {
            int threads = Parallel.threads();
            if (groups >= threads || threads == 1) {
                Parallel.forRange(groups, 1, groupBody);
                return;
            }
            for (int n0 = 0; n0 < N; n0 += group) {
                int imgs = Math.min(group, N - n0), units;
                tiles = imgs * T;
                units = (tiles + MR - 1) / MR;
                gin = io + n0 * H * W * D;
                yo = oo + n0 * OH * OW * Q;
                if (splitsColumns(Qp, tiles)) {
                    splitColumns(threads);
                    continue;
                }
                // Runs of MR tiles per thread, each padding only the input rows its tiles read: no serial part, no
                // barrier, and a thread reads the rows the previous layer's same split wrote on its core.
                runTB = blockTiles(tf.planes(), tf.blockFloats(), Dp, Qp, (units + threads - 1) / threads * MR);
                Parallel.forRange(units, 1, runBody);
            }
            v = null;
        }

        /**
         * Fewer image groups than threads and transformed weights large next to the input ({@link #splitsColumns}):
         * per block of the group's tiles, two parallel phases. (a) Over tiles: each thread pads the input rows its
         * tiles read into its own buffer and transforms them into the block's V, shared. (b) Over (column sliver, tile
         * chunk) units, sliver-major: each thread multiplies its chunks of V by its slivers of U, reading only those
         * columns of the transformed weights, and transforms its columns of M to the output.
         */
        private void splitColumns(int threads) {
            int planes = tf.planes(), slivers = Qp / NR, rowsAll = (tiles + MR - 1) / MR * MR;
            int blocks = (int) Math.max(1, ((long) planes * rowsAll * Dp + SHARED_V_FLOATS - 1) / SHARED_V_FLOATS);
            int bt = ((tiles + blocks - 1) / blocks + MR - 1) / MR * MR;
            for (int b0 = 0; b0 < tiles; b0 += bt) {
                first = b0;
                nb = Math.min(bt, tiles - b0);
                rows = (nb + MR - 1) / MR * MR;
                vs = rows * Dp + PLANE_PAD;
                v = Scratch.get(Scratch.TILE, planes * vs);
                Parallel.forRange(nb, MR, transformBody);
                // Units (sliver s, chunk c), sliver-major, so that a thread's units are mostly one run of slivers; a
                // thread runs its units chunk by chunk, all its slivers of a chunk together (each V row read once).
                int perThread = (slivers + threads - 1) / threads;
                int maxChunk = Math.max(MR, CHUNK_M_FLOATS / (planes * perThread * NR) / MR * MR);
                int chunks = (rows + maxChunk - 1) / maxChunk;
                while ((slivers * chunks) % threads != 0 && chunks * MR < rows) chunks++; // whole units per thread
                ct = (rows / MR + chunks - 1) / chunks * MR;
                nch = (rows + ct - 1) / ct;
                Parallel.forRange(slivers * nch, 1, columnBody);
            }
        }

        private void transforms(int wk, int a0, int a1) {
            int g0 = first + a0, g1 = first + a1;
            float[] xp = padTiles(tf, in, gin, H, W, D, pt, pl, g0, g1, T, tW, Hp, Wp, Dp, img);
            tf.input(xp, -shift(tf, g0, T, tW, Wp, Dp, img), g0, a1 - a0, T, tW, img, Wp, Dp, v, a0 * Dp, vs,
                    Scratch.get(Scratch.DY, tf.planes() * ConvVectors.L));
        }

        private void columns(int wk, int i0, int i1) {
            for (int c = 0; c < nch; c++) {
                // this range's units of chunk c: slivers s with s·nch + c in [i0, i1)
                int sa = Math.max(0, (i0 - c + nch - 1) / nch), sb = (i1 - c + nch - 1) / nch;
                if (sa >= sb) continue;
                int c0 = c * ct, c1 = Math.min(nb, c0 + ct);
                gemmColumns(tf, v, vs, rows, c0, c1, sa, sb, first, T, tW, Dp, u, Qp, bias, bo, Q, out, yo, OH, OW, res,
                        rd, lo, hi);
            }
        }

        private void groups(int wk, int g0, int g1) {
            float[] xp = Scratch.get(Scratch.PAD, group * img);
            for (int gi = g0; gi < g1; gi++) {
                int n0 = gi * group, imgs = Math.min(group, N - n0);
                for (int i = 0; i < imgs; i++) {
                    ImplicitGemmConv.padImage(in, io + (n0 + i) * H * W * D, H, W, D, pt, pl, xp, i * img, Hp, Wp, Dp);
                }
                tiles(tf, xp, 0, 0, imgs * T, groupTB, T, tW, img, Wp, Dp, u, Qp, bias, bo, Q, out, oo + n0 * OH * OW * Q,
                        OH, OW, res, rd, lo, hi);
            }
        }

        private void runs(int wk, int u0, int u1) {
            int t0 = u0 * MR, t1 = Math.min(tiles, u1 * MR);
            float[] xp = padTiles(tf, in, gin, H, W, D, pt, pl, t0, t1, T, tW, Hp, Wp, Dp, img);
            tiles(tf, xp, -shift(tf, t0, T, tW, Wp, Dp, img), t0, t1, runTB, T, tW, img, Wp, Dp, u, Qp, bias, bo, Q,
                    out, yo, OH, OW, res, rd, lo, hi);
        }
    }

    /**
     * Whether a group of {@code tiles} tiles split between threads splits by columns (output channels) rather than
     * by tiles: where the transformed weights a thread would stream in a tile split (Dp·Qp per plane) are at least
     * four times the transformed input it would have to share in a column split (Dp per tile and plane), i.e. at
     * least 4 output channels per tile. ResNet-18 at batch 1 on 2 threads (Zen 5, runs where both threads ran
     * together): the 14x14x256 layers (256 channels, 49 tiles) 0.50–0.52 ms split by columns against 0.56–0.57 by
     * tiles; the 28x28x128 ones (128 channels, 49 tiles) 0.46–0.51 against 0.35; 56x56x64 (196 tiles) 0.57–0.64
     * against 0.28–0.37.
     */
    static boolean splitsColumns(int Qp, int tiles) {
        return Qp >= 4 * ((tiles + MR - 1) / MR * MR);
    }

    /** Floats of a block's shared V in the column split: a group's tiles are split in blocks above this. */
    static final int SHARED_V_FLOATS = 512 * 1024;
    /** Floats of a thread's M chunk (planes x chunk tiles x its columns) in the column split. */
    static final int CHUNK_M_FLOATS = 128 * 1024;

    /** Offset in a group of padded images of the first padded row tile {@code g0} reads. */
    private static int shift(WinogradTransforms tf, int g0, int T, int tW, int Wp, int Dp, int img) {
        return (g0 / T) * img + tf.m() * ((g0 % T) / tW) * Wp * Dp;
    }

    /**
     * The padded rows that tiles {@code [g0, g1)} of a group (images at {@code in[gin]}) read, copied into this
     * thread's buffer from {@link #shift} on.
     */
    private static float[] padTiles(WinogradTransforms tf, float[] in, int gin, int H, int W, int D, int pt, int pl,
                                    int g0, int g1, int T, int tW, int Hp, int Wp, int Dp, int img) {
        int mt = tf.m(), row = Wp * Dp;
        int i0 = g0 / T, r0 = mt * ((g0 % T) / tW), i1 = (g1 - 1) / T, r1 = mt * (((g1 - 1) % T) / tW) + mt + 2;
        int shift = i0 * img + r0 * row;
        float[] xp = Scratch.get(Scratch.PAD, i1 * img + r1 * row - shift);
        for (int i = i0; i <= i1; i++) {
            ImplicitGemmConv.padRows(in, gin + i * H * W * D, H, W, D, pt, pl, xp, i * img - shift, Wp, Dp,
                    i == i0 ? r0 : 0, i == i1 ? r1 : Hp);
        }
        return xp;
    }

    /**
     * Block rows {@code [c0, c1)} (c0 a multiple of MR) times column slivers {@code [sa, sb)} of U, all planes, into
     * this thread's M chunk, then their output transform for those slivers' channels.
     */
    private static void gemmColumns(WinogradTransforms tf, float[] v, int vs, int rows, int c0, int c1, int sa, int sb,
                                    int b0, int T, int tW, int Dp, float[] u, int Qp, float[] bias, int bo, int Q,
                                    float[] out, int oo, int OH, int OW, float[] res, int rd, float lo, float hi) {
        int planes = tf.planes(), cr = (c1 - c0 + MR - 1) / MR * MR, ldm = (sb - sa) * NR, ms = cr * ldm + PLANE_PAD;
        float[] m = Scratch.get(Scratch.ACC, planes * ms);
        float[] bp = Scratch.get(Scratch.BIAS, NR);
        Arrays.fill(bp, 0, NR, 0f);
        int[] base = Scratch.ints(Scratch.OFFSETS, rows);
        for (int p = 0; p < rows; p++) base[p] = p * Dp;
        int[] plane = Scratch.ints(Scratch.TAPS, 1);
        for (int xi = 0; xi < planes; xi++) {
            plane[0] = xi * vs;
            for (int p0 = c0; p0 < c0 + cr; p0 += MR) {
                for (int s = sa; s < sb; s++) {
                    ConvTiles.fwd8x2v(v, base, p0, plane, 1, Dp, u, (xi * Qp + s * NR) * Dp, bp, 0, m,
                            xi * ms + (p0 - c0) * ldm + (s - sa) * NR, ldm);
                }
            }
        }
        tf.output(m, b0 + c0, c1 - c0, T, tW, ldm, ms, sa * NR, Math.min(Q, sb * NR), bias, bo, Q, out, oo, OH, OW,
                Scratch.get(Scratch.DY, planes * ConvVectors.L), res, rd, lo, hi);
    }

    /**
     * Tiles [t0, t1) of a group padded into {@code xp}, in blocks of up to {@code TB}: input transform, one GEMM
     * per plane, output transform with the epilogue. Scratch is the calling thread's.
     */
    private static void tiles(WinogradTransforms tf, float[] xp, int xo, int t0, int t1, int TB, int T, int tW, int img,
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
            tf.input(xp, xo, b0, nb, T, tW, img, Wp, Dp, v, 0, vs, tmp);
            for (int xi = 0; xi < planes; xi++) {
                plane[0] = xi * vs;
                for (int p0 = 0; p0 < rows; p0 += MR) {
                    for (int j = 0; j < Qp; j += NR) {
                        ConvTiles.fwd8x2v(v, base, p0, plane, 1, Dp, u, (xi * Qp + j) * Dp, bp, 0, m,
                                xi * ms + p0 * Qp + j, Qp);
                    }
                }
            }
            tf.output(m, b0, nb, T, tW, Qp, ms, 0, Q, bias, bo, Q, out, oo, OH, OW, tmp, res, rd, lo, hi);
        }
    }
}

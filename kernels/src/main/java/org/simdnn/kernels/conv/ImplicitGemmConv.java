package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-8x2v-implicit-gemm}: the groups-1 convolution as a GEMM whose A operand is never
 * materialised. Per image, the input is copied once into a per-thread zero-padded buffer (so the tiles need
 * no bounds tests); a tile of 8 output pixels then reads its patch rows straight from that buffer through
 * per-pixel base offsets plus one offset per tap ({@link ConvTiles}). Passes:
 * <ul>
 *   <li>forward: {@code Y[p, k] = Σ_(tap, c) Xpad[base(p) + tap + c] · W[tap, c, k]} (+ bias);</li>
 *   <li>backward data (stride 1): the transposed convolution, i.e. the same forward run on dY with the
 *       spatially flipped, I/O-swapped weights and padding {@code dilation·(k−1) − pad} (negative pads
 *       crop); stride &gt; 1 is left to the im2col/col2im implementation;</li>
 *   <li>backward weights: {@code dW[(tap, c), k] = Σ_p Xpad[base(p) + tap + c] · dY[p, k]}, an 8-row by
 *       2-vector register tile (rows = flattened (tap, c), so one input channel still fills tiles) reduced
 *       over all pixels of an image, one partial sum per fixed chunk of images
 *       ({@link ConvUtil#forChunks}: the same bits for any scheduling and thread count).</li>
 * </ul>
 * Parallel over images ({@link Parallel#forRange}); each worker calls only its own tiles, no GEMM library,
 * so there is no nested threading. Output channels are padded to a multiple of {@code 2·L} in packed weight
 * copies (made per call: {@code kH·kW·inC·outC} floats, noise next to the convolution itself).
 */
final class ImplicitGemmConv implements ConvImpl {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;
    /** Below this many input channels the forward tile runs the flat (tap, c) loop. */
    static final int FLAT_MAX_C = 4;

    @Override public String id() { return "f32-conv-nhwc-8x2v-implicit-gemm"; }

    @Override
    public String rejects(Conv2dDesc d, ConvPass pass) {
        if (!VECTOR) return "scalar mode (vector width 0): " + CpuInfo.VECTOR_REASON;
        if (d.groups() != 1) return "groups " + d.groups() + " != 1";
        if (pass == ConvPass.BACKWARD_DATA && (d.strideH() != 1 || d.strideW() != 1)) {
            return "backward data as a transposed convolution needs stride 1, got " + d.strideH() + "x" + d.strideW();
        }
        // Columns are padded to 2L (and backward-weights rows to 8): past 2x waste the direct loop wins.
        int cols = pass == ConvPass.BACKWARD_DATA ? d.inC() : d.outC();
        if (roundUp(cols, nr()) > 2 * cols) {
            return (pass == ConvPass.BACKWARD_DATA ? "inC " : "outC ") + cols + " would be padded to "
                    + roundUp(cols, nr()) + " columns (over 2x zero work)";
        }
        return null;
    }

    private static int nr() { return 2 * ConvVectors.L; }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    @Override
    public void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo) {
        int K = d.outC(), Kp = roundUp(K, nr()), rows = d.kH() * d.kW() * d.inC(), nr = nr();
        // HWIO [rows, K] -> slivers [Kp/NR][rows][NR], zero columns past K.
        float[] wp = Scratch.get(Scratch.WPACK, rows * Kp);
        packColumns(w, wo, rows, K, nr, wp);
        float[] bp = Scratch.get(Scratch.BIAS, Kp);
        Arrays.fill(bp, 0, Kp, 0f);
        if (bias != null) System.arraycopy(bias, bo, bp, 0, K);
        run(x, xo, d.batch(), d.inH(), d.inW(), d.inC(), d.outH(), d.outW(), d.kH(), d.kW(), d.strideH(), d.strideW(),
                d.dilationH(), d.dilationW(), d.padTop(), d.padLeft(), wp, bp, K, y, yo, null, 0, Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY);
    }

    @Override
    public void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        int C = d.inC(), K = d.outC(), Cp = roundUp(C, nr()), kH = d.kH(), kW = d.kW(), nr = nr();
        int rows = kH * kW * K;
        // Wt[kh', kw', k, c] = W[kH-1-kh', kW-1-kw', c, k], packed in slivers [Cp/NR][rows][NR] like forward's.
        float[] wt = Scratch.get(Scratch.WPACK, rows * Cp);
        for (int a = 0; a < kH; a++) {
            for (int b = 0; b < kW; b++) {
                int src = wo + ((kH - 1 - a) * kW + (kW - 1 - b)) * C * K, r0 = (a * kW + b) * K;
                for (int s = 0; s < Cp; s += nr) {
                    int cols = Math.min(nr, C - s);
                    for (int k = 0; k < K; k++) {
                        int row = s * rows + (r0 + k) * nr;
                        for (int c = 0; c < cols; c++) wt[row + c] = w[src + (s + c) * K + k];
                        if (cols < nr) Arrays.fill(wt, row + cols, row + nr, 0f);
                    }
                }
            }
        }
        float[] bp = Scratch.get(Scratch.BIAS, Cp);
        Arrays.fill(bp, 0, Cp, 0f);
        int pt = d.dilationH() * (kH - 1) - d.padTop(), pl = d.dilationW() * (kW - 1) - d.padLeft();
        run(dy, dyo, d.batch(), d.outH(), d.outW(), K, d.inH(), d.inW(), kH, kW, 1, 1, d.dilationH(), d.dilationW(),
                pt, pl, wt, bp, C, dx, dxo, null, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /**
     * The forward driver on explicit geometry (pads may be negative: rows/columns cropped). Input
     * {@code [N, H, W, C]}, output {@code [N, OH, OW, K]}, weights packed in slivers
     * {@code [ceil(K/NR)][kH·kW·C][NR]} with zero columns past K, bias {@code ceil(K/NR)·NR} floats; then the
     * epilogue on each block of 8 output pixels while it is in L1: {@code + res} (y's shape at {@code ro}, may be
     * null), clamped to [lo, hi]. Parallel over images; with fewer images than threads, over blocks of pixels.
     */
    static void run(float[] x, int xo, int N, int H, int W, int C, int OH, int OW, int kH, int kW, int sh, int sw,
                    int dh, int dw, int pt, int pl, float[] wp, float[] bp, int K, float[] y, int yo, float[] res,
                    int ro, float lo, float hi) {
        new Forward(x, xo, N, H, W, C, OH, OW, kH, kW, sh, sw, dh, dw, pt, pl, wp, bp, K, y, yo, res, ro, lo, hi).run();
    }

    /**
     * One forward call (the arguments of {@link #run}): the geometry, the tables and the range bodies made once,
     * so that running it again allocates nothing. {@link Prepared#task} keeps one per bound set of operands (an
     * inference session's buffers); not for two threads at once.
     */
    static final class Forward implements Runnable {
        private final float[] x, wp, bp, y, res;
        private final int xo, N, H, W, C, pt, pl, K, yo, rd, Hp, Wp, M, taps, units, blocks;
        private final int[] base, off;
        /**
         * Where the windows read no padding (ResNet's 1x1 stride-2 shortcuts): pixel and tap offsets into the input
         * itself (rows W pixels apart; {@code offIn} the taps from image 0's origin, {@code offRun} from the image
         * being split), else null.
         */
        private final int[] baseIn, offIn, offRun;
        private final boolean flat, epi;
        private final float lo, hi;
        private final Parallel.RangeBody images = this::images, tiles = this::tiles;
        /** The (padded) image, its tables and its output offset while {@link #tiles} splits it (set before each split). */
        private float[] xp;
        private int[] runBase, runOff;
        private int yn;

        Forward(float[] x, int xo, int N, int H, int W, int C, int OH, int OW, int kH, int kW, int sh, int sw, int dh,
                int dw, int pt, int pl, float[] wp, float[] bp, int K, float[] y, int yo, float[] res, int ro, float lo,
                float hi) {
            this.x = x;
            this.xo = xo;
            this.N = N;
            this.H = H;
            this.W = W;
            this.C = C;
            this.pt = pt;
            this.pl = pl;
            this.wp = wp;
            this.bp = bp;
            this.K = K;
            this.y = y;
            this.yo = yo;
            this.res = res;
            this.lo = lo;
            this.hi = hi;
            Hp = (OH - 1) * sh + (kH - 1) * dh + 1;
            Wp = (OW - 1) * sw + (kW - 1) * dw + 1;
            M = OH * OW;
            taps = kH * kW;
            int Mr = roundUp(M, ConvTiles.MR);
            base = pixelBases(new int[Mr], Mr, M, OW, sh, sw, Wp, C); // tail pixels repeat the last; never stored
            // Few channels (C < FLAT_MAX_C): one flat loop over (tap, c) rows through a row-offset table.
            flat = C < FLAT_MAX_C;
            off = new int[flat ? taps * C : taps];
            for (int t = 0; t < taps; t++) {
                int o = tapOffset(t, kW, dh, dw, Wp, C);
                if (!flat) {
                    off[t] = o;
                } else {
                    for (int c = 0; c < C; c++) off[t * C + c] = o + c;
                }
            }
            boolean noPad = pt == 0 && pl == 0 && Hp <= H && Wp <= W;
            baseIn = noPad ? pixelBases(new int[Mr], Mr, M, OW, sh, sw, W, C) : null;
            offIn = noPad ? new int[off.length] : null;
            offRun = noPad ? new int[off.length] : null;
            for (int t = 0; noPad && t < taps; t++) {
                int o = tapOffset(t, kW, dh, dw, W, C);
                if (!flat) {
                    offIn[t] = o;
                } else {
                    for (int c = 0; c < C; c++) offIn[t * C + c] = o + c;
                }
            }
            epi = res != null || lo != Float.NEGATIVE_INFINITY || hi != Float.POSITIVE_INFINITY;
            rd = ro - yo;
            units = Mr / ConvTiles.MR;
            blocks = (K + ConvTiles.NR - 1) / ConvTiles.NR;
        }

        /** Parallel over images; with fewer images than threads, over blocks of pixels. */
        @Override
        public void run() {
            if (N >= Parallel.threads()) {
                Parallel.forRange(N, 1, images);
                return;
            }
            // Fewer images than threads (batch-1 inference): split each image's (column block, pixel block)
            // tiles, column blocks outer, so that a worker reuses one weight sliver (taps·C x NR floats, L2-sized)
            // across the image's pixel blocks instead of streaming all the weights once per pixel block; tiles,
            // not pixel blocks, keep two threads even on a 7x7 image (7 pixel blocks x 16 column blocks at 512
            // channels).
            // Where the windows read no padding the tiles read the input in place instead of a copy made on this
            // thread before the parallel part (ResNet-18's 56x56x64 shortcut copied 0.8 MB so and ran slower on 2
            // threads than on 1).
            xp = baseIn != null ? x : Scratch.get(Scratch.PAD, Hp * Wp * C);
            runBase = baseIn != null ? baseIn : base;
            runOff = baseIn != null ? offRun : off;
            for (int n = 0; n < N; n++) {
                int xn = xo + n * H * W * C;
                if (baseIn != null) {
                    for (int r = 0; r < offIn.length; r++) offRun[r] = offIn[r] + xn; // image n's origin in x
                } else {
                    padImage(x, xn, H, W, C, pt, pl, xp, 0, Hp, Wp, C);
                }
                yn = yo + n * M * K;
                Parallel.forRange(blocks * units, 1, tiles);
            }
            xp = null;
        }

        private void images(int wk, int n0, int n1) {
            float[] xp = Scratch.get(Scratch.PAD, Hp * Wp * C);
            for (int n = n0; n < n1; n++) {
                padImage(x, xo + n * H * W * C, H, W, C, pt, pl, xp, 0, Hp, Wp, C);
                pixels(xp, base, off, flat, taps, C, wp, bp, K, 0, M, y, yo + n * M * K, epi, res, rd, lo, hi);
            }
        }

        private void tiles(int wk, int i0, int i1) {
            for (int i = i0; i < i1; i++) {
                int p = (i % units) * ConvTiles.MR, j0 = (i / units) * ConvTiles.NR;
                tile(xp, runBase, runOff, flat, taps, C, wp, bp, K, p, Math.min(M, p + ConvTiles.MR), j0, y, yn, epi,
                        res, rd, lo, hi);
            }
        }
    }

    /** Output pixels [p0, p1) of one padded image (p0 a multiple of MR), all K columns, with the epilogue. */
    private static void pixels(float[] xp, int[] base, int[] off, boolean flat, int taps, int C, float[] wp,
                               float[] bp, int K, int p0, int p1, float[] y, int yn, boolean epi, float[] res, int rd,
                               float lo, float hi) {
        for (int p = p0; p < p1; p += ConvTiles.MR) {
            int pe = Math.min(p + ConvTiles.MR, p1);
            for (int j0 = 0; j0 < K; j0 += ConvTiles.NR) {
                tile(xp, base, off, flat, taps, C, wp, bp, K, p, pe, j0, y, yn, epi, res, rd, lo, hi);
            }
        }
    }

    /**
     * One register tile: output pixels [p, pe) (at most MR, p a multiple of MR) by columns [j0, j0 + NR) ∩ [0, K),
     * then the epilogue on it while it is in L1.
     */
    private static void tile(float[] xp, int[] base, int[] off, boolean flat, int taps, int C, float[] wp, float[] bp,
                             int K, int p, int pe, int j0, float[] y, int yn, boolean epi, float[] res, int rd,
                             float lo, float hi) {
        int nr = ConvTiles.NR, wRows = taps * C, rows = pe - p, cols = Math.min(nr, K - j0);
        boolean full = rows == ConvTiles.MR && cols == nr;
        float[] tile = full ? null : Scratch.get(Scratch.TILE, ConvTiles.MR * nr);
        float[] dst = full ? y : tile;
        int di = full ? yn + p * K + j0 : 0, ldd = full ? K : nr;
        if (flat) {
            ConvTiles.fwdFlat8x2v(xp, base, p, off, wRows, wp, j0 * wRows, bp, j0, dst, di, ldd);
        } else {
            ConvTiles.fwd8x2v(xp, base, p, off, taps, C, wp, j0 * wRows, bp, j0, dst, di, ldd);
        }
        if (!full) {
            for (int i = 0; i < rows; i++) System.arraycopy(tile, i * nr, y, yn + (p + i) * K + j0, cols);
        }
        if (epi) {
            for (int i = 0; i < rows; i++) {
                int yi = yn + (p + i) * K + j0;
                ConvVectors.epilogue(y, yi, res, yi + rd, cols, lo, hi);
            }
        }
    }

    /** The forward pass with weights and bias packed once, at construction. */
    static final class Prepared extends PreparedConv {
        private final float[] wp, bp;

        Prepared(String id, Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
            super(id, d, bias, bo, clamp);
            int K = d.outC(), Kp = roundUp(K, nr()), rows = d.kH() * d.kW() * d.inC();
            wp = new float[rows * Kp];
            packColumns(w, wo, rows, K, nr(), wp);
            bp = new float[Kp];
            if (bias != null) System.arraycopy(bias, bo, bp, 0, K);
        }

        @Override
        void run(float[] x, int xo, float[] res, int ro, float[] y, int yo) { task(x, xo, res, ro, y, yo).run(); }

        @Override
        Runnable task(float[] x, int xo, float[] res, int ro, float[] y, int yo) {
            Conv2dDesc d = desc;
            return new Forward(x, xo, d.batch(), d.inH(), d.inW(), d.inC(), d.outH(), d.outW(), d.kH(), d.kW(),
                    d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.padTop(), d.padLeft(), wp, bp, d.outC(),
                    y, yo, res, ro, lo, hi);
        }
    }

    @Override
    public PreparedConv prepareForward(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        return new Prepared(id(), d, w, wo, bias, bo, clamp);
    }

    @Override
    public void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo, float[] db,
                                int dbo) {
        if (d.inC() % ConvTiles.NR == 0) {
            backwardWeightsTransposed(d, x, xo, dy, dyo, dw, dwo, db, dbo);
            return;
        }
        final int C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW();
        final int kH = d.kH(), kW = d.kW(), sh = d.strideH(), sw = d.strideW(), dh = d.dilationH(), dwl = d.dilationW();
        final int MR = ConvTiles.MR, nr = nr();
        final int Kp = roundUp(K, nr), taps = kH * kW, M = OH * OW, R = taps * C, Rp = roundUp(R, MR);
        final int Hp = (OH - 1) * sh + (kH - 1) * dh + 1, Wp = (OW - 1) * sw + (kW - 1) * dwl + 1;
        final int wsize = Rp * Kp, psize = wsize + Kp;
        int[] base = pixelBases(M, M, OW, sh, sw, Wp, C);
        // dW row r = (tap, c) reads the image at rowOff[r]; rows past R repeat the last one and are dropped.
        int[] rowOff = Scratch.ints(Scratch.TAPS, Rp);
        for (int r = 0; r < Rp; r++) {
            int q = Math.min(r, R - 1), t = q / C;
            rowOff[r] = tapOffset(t, kW, dh, dwl, Wp, C) + q % C;
        }
        float[] sum = sumOverImages(d, x, xo, dy, dyo, Hp, Wp, psize, M * Kp, nr, (xp, dyp, dyn, part) -> {
            for (int j0 = 0; j0 < Kp; j0 += nr) {
                for (int r0 = 0; r0 < Rp; r0 += MR) {
                    ConvTiles.dw8x2v(xp, base, M, rowOff, r0, dyp, j0 * M, part, r0 * Kp + j0, Kp);
                }
            }
            if (db != null) {
                for (int j0 = 0; j0 < Kp; j0 += nr) ConvVectors.addRows(dyp, j0 * M, M, nr, part, wsize + j0);
            }
        });
        for (int r = 0; r < R; r++) System.arraycopy(sum, r * Kp, dw, dwo + r * K, K);
        if (db != null) System.arraycopy(sum, wsize, db, dbo, K);
    }

    /**
     * Weight gradient with {@link ConvTiles#dwT8x2v}, for C a multiple of 2·L: the partial sums are dW
     * transposed, {@code [Kb][taps·C]} with Kb = K rounded up to 8, transposed back once at the end.
     */
    private void backwardWeightsTransposed(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo,
                                           float[] db, int dbo) {
        final int C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW();
        final int kH = d.kH(), kW = d.kW(), sh = d.strideH(), sw = d.strideW(), dh = d.dilationH(), dwl = d.dilationW();
        final int nr = ConvTiles.NR, taps = kH * kW, M = OH * OW, R = taps * C, Kb = roundUp(K, 8);
        final int Hp = (OH - 1) * sh + (kH - 1) * dh + 1, Wp = (OW - 1) * sw + (kW - 1) * dwl + 1;
        final int wsize = Kb * R, psize = wsize + Kb;
        int[] base = pixelBases(M, M, OW, sh, sw, Wp, C);
        int[] tapOff = Scratch.ints(Scratch.TAPS, taps);
        for (int t = 0; t < taps; t++) tapOff[t] = tapOffset(t, kW, dh, dwl, Wp, C);
        float[] sum = sumOverImages(d, x, xo, dy, dyo, Hp, Wp, psize, M * Kb, 8, (xp, dyk, dyn, part) -> {
            for (int k0 = 0; k0 < Kb; k0 += 8) {
                for (int t = 0; t < taps; t++) {
                    for (int c0 = 0; c0 < C; c0 += nr) {
                        ConvTiles.dwT8x2v(xp, base, M, tapOff[t] + c0, dyk, k0 * M, part, k0 * R + t * C + c0, R);
                    }
                }
            }
            if (db != null) {
                for (int p = 0; p < M; p++) ConvVectors.axpy(1f, dy, dyn + p * K, part, wsize, K);
            }
        });
        for (int r = 0; r < R; r++) {
            int o = dwo + r * K;
            for (int k = 0; k < K; k++) dw[o + k] = sum[k * R + r];
        }
        if (db != null) System.arraycopy(sum, wsize, db, dbo, K);
    }

    /** Accumulates one image's weight gradient into {@code part}: xp its padded input, dyp its packed dY. */
    @FunctionalInterface
    private interface ImageGrad {
        void accumulate(float[] xp, float[] dyp, int dyn, float[] part);
    }

    /**
     * The weight-gradient skeleton shared by both tiles: images in fixed chunks (one zeroed partial of
     * {@code psize} floats each, summed in chunk order: deterministic for any thread count), each image padded
     * into a per-thread buffer and its dY packed in column blocks of {@code bw}; returns the summed partials.
     */
    private static float[] sumOverImages(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, int Hp, int Wp,
                                         int psize, int dyFloats, int bw, ImageGrad grad) {
        final int N = d.batch(), H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), M = d.outH() * d.outW();
        int chunks = ConvUtil.batchChunks(N, psize);
        float[][] parts = Scratch.partials(chunks, psize);
        ConvUtil.forChunks(N, chunks, (ch, n0, n1) -> {
            float[] part = parts[ch];
            Arrays.fill(part, 0, psize, 0f);
            float[] xp = Scratch.get(Scratch.PAD, Hp * Wp * C);
            float[] dyp = Scratch.get(Scratch.DY, dyFloats);
            for (int n = n0; n < n1; n++) {
                padImage(x, xo + n * H * W * C, H, W, C, d.padTop(), d.padLeft(), xp, 0, Hp, Wp, C);
                int dyn = dyo + n * M * K;
                packColumns(dy, dyn, M, K, bw, dyp);
                grad.accumulate(xp, dyp, dyn, part);
            }
        });
        return ConvUtil.reduceChunks(parts, chunks, psize);
    }

    /** Offset of tap t (row-major over kH x kW, dilation dh x dw) from a window origin in the padded image. */
    private static int tapOffset(int t, int kW, int dh, int dw, int Wp, int C) {
        return ((t / kW) * dh * Wp + (t % kW) * dw) * C;
    }

    /**
     * Image offset of output pixel p's window origin in the padded image (C floats per padded pixel), for p in
     * [0, count); pixels past M repeat the last one (the forward tile's padded tail).
     */
    private static int[] pixelBases(int count, int M, int OW, int sh, int sw, int Wp, int C) {
        return pixelBases(Scratch.ints(Scratch.OFFSETS, count), count, M, OW, sh, sw, Wp, C);
    }

    private static int[] pixelBases(int[] base, int count, int M, int OW, int sh, int sw, int Wp, int C) {
        for (int p = 0; p < count; p++) {
            int q = Math.min(p, M - 1);
            base[p] = ((q / OW) * sh * Wp + (q % OW) * sw) * C;
        }
        return base;
    }

    /** rows x K (row-major at src) -> column blocks [ceil(K/bw)][rows][bw], zero columns past K. */
    private static void packColumns(float[] src, int so, int rows, int K, int bw, float[] dst) {
        for (int s = 0; s < K; s += bw) {
            int cols = Math.min(bw, K - s);
            for (int p = 0, o = s * rows; p < rows; p++, o += bw) {
                System.arraycopy(src, so + p * K + s, dst, o, cols);
                if (cols < bw) Arrays.fill(dst, o + cols, o + bw, 0f);
            }
        }
    }

    /**
     * xp[xpo + (r, c, 0..cs)] = x[r − pt, c − pl, 0..C) inside the image, zero elsewhere (and in channels C..cs).
     * Negative pads crop.
     */
    static void padImage(float[] x, int xo, int H, int W, int C, int pt, int pl, float[] xp, int xpo, int Hp, int Wp,
                         int cs) {
        padRows(x, xo, H, W, C, pt, pl, xp, xpo, Wp, cs, 0, Hp);
    }

    /**
     * Padded rows [r0, r1) of {@link #padImage}, row r at {@code xp[xpo + r·Wp·cs]} ({@code xpo} may be negative
     * where {@code xp} holds only these rows).
     */
    static void padRows(float[] x, int xo, int H, int W, int C, int pt, int pl, float[] xp, int xpo, int Wp, int cs,
                        int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int ih = r - pt, row = xpo + r * Wp * cs;
            if (ih < 0 || ih >= H) {
                Arrays.fill(xp, row, row + Wp * cs, 0f);
                continue;
            }
            int c0 = Math.max(0, pl), c1 = Math.min(Wp, W + pl); // columns that map inside the image
            if (c1 <= c0) {
                Arrays.fill(xp, row, row + Wp * cs, 0f);
                continue;
            }
            Arrays.fill(xp, row, row + c0 * cs, 0f);
            Arrays.fill(xp, row + c1 * cs, row + Wp * cs, 0f);
            int src = xo + (ih * W + (c0 - pl)) * C;
            if (cs == C) {
                System.arraycopy(x, src, xp, row + c0 * cs, (c1 - c0) * C);
            } else {
                for (int c = c0; c < c1; c++, src += C) {
                    System.arraycopy(x, src, xp, row + c * cs, C);
                    Arrays.fill(xp, row + c * cs + C, row + (c + 1) * cs, 0f);
                }
            }
        }
    }
}

package org.simdnn.kernels.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.ConvLayer;
import org.simdnn.ops.PreparedBlock;
import org.simdnn.ops.Tensors;
import org.simdnn.tensor.Tensor;

/**
 * MobileNetV2's inverted-residual block as one op (id {@value #ID}): an optional 1x1 expansion with its clamp, a
 * 3x3 depthwise convolution (stride 1 or 2, padding 1) with its clamp, a 1x1 projection with its clamp, and the
 * block's input added to the projection when the block has a residual. Vector width > 0, the expanded channels
 * in whole vectors (every MobileNetV2 block).
 *
 * <p>Per band of output rows. Layer by layer, the expanded activations (112x112x96 floats, 4.8 MB, for the
 * second block at batch 1; 32 times that at batch 32) go to memory and back twice. Here each thread walks its
 * output rows in groups of {@link #P} rows (about {@link #GROUP_PIXELS} output pixels): it expands the input rows
 * the group's windows read into a ring of {@link #R} rows (a row expanded for one group serves the next), runs the
 * depthwise rows from the ring into a buffer of the group's outputs, and projects that buffer into the output,
 * adding the residual as it stores. The ring, the buffer and the weights of a block stay in L2 (the buffer in
 * L1 for most blocks); only x and y go through memory. The 1x1 layers run {@link PointwiseConv1x1}'s register
 * tiles, the depthwise rows {@link DepthwiseTiles3x3}'s in-place tiles, each on a range of rows.
 *
 * <p>Work: whole images per thread when the batch is a multiple of the threads, else each image split into
 * bands of output rows, one per thread (batch 1 on 2 threads: two halves; the row above a band is expanded by
 * both threads). Every output is computed by the same operations in the same order whatever the split, so
 * the result does not depend on the thread count.
 */
final class InvertedResidual implements PreparedBlock {
    static final String ID = "f32-conv-nhwc-inverted-residual";
    private static final VectorSpecies<Float> F = DepthwiseTiles3x3.F;
    private static final int L = DepthwiseTiles3x3.L;
    /** Output pixels per group: enough rows for whole projection tiles, few enough for the buffer to stay in L1/L2. */
    private static final int GROUP_PIXELS = 48;

    private final PointwiseConv1x1 expand, project;
    /** Depthwise weights and bias as {@link DepthwiseConv3x3#packForward} lays them out. */
    private final float[] wd;
    private final int biasAt;
    private final float dlo, dhi;
    private final boolean residual;
    private final int N, H, W, Cin, Ce, Ho, Wo, Cout, s;
    /** Output rows per group and rows in the ring (a zero row follows them). */
    private final int P, R;

    /**
     * Why this kernel does not run these layers, or null when it does: vectors, 1x1 layers around a 3x3
     * depthwise one with padding 1 and stride 1 or 2, matching shapes, the expanded channels in whole vectors.
     */
    static String rejects(ConvLayer e, ConvLayer d, ConvLayer p, boolean residual) {
        if (CpuInfo.VECTOR_BITS == 0) return "scalar mode";
        Conv2dDesc dd = d.desc(), pd = p.desc();
        if (dd.kH() != 3 || dd.kW() != 3 || dd.groups() != dd.inC() || dd.outC() != dd.inC()
                || dd.dilationH() != 1 || dd.dilationW() != 1) {
            return "middle layer is not a 3x3 depthwise convolution: " + dd.shapeString();
        }
        if (dd.strideH() != dd.strideW() || dd.strideH() > 2 || dd.padTop() != 1 || dd.padLeft() != 1
                || dd.padBottom() != 1 || dd.padRight() != 1) {
            return "depthwise stride must be 1 or 2 in both directions and padding 1: " + dd.shapeString();
        }
        if (dd.inC() % L != 0) return "expanded channels " + dd.inC() + " not in whole vectors of " + L;
        if (e != null) {
            Conv2dDesc ed = e.desc();
            if (!pointwise(ed)) return "expansion is not a 1x1 convolution: " + ed.shapeString();
            if (ed.batch() != dd.batch() || ed.inH() != dd.inH() || ed.inW() != dd.inW() || ed.outC() != dd.inC()) {
                return "expansion " + ed.shapeString() + " does not feed depthwise " + dd.shapeString();
            }
        }
        if (!pointwise(pd)) return "projection is not a 1x1 convolution: " + pd.shapeString();
        if (pd.batch() != dd.batch() || pd.inH() != dd.outH() || pd.inW() != dd.outW() || pd.inC() != dd.outC()) {
            return "depthwise " + dd.shapeString() + " does not feed projection " + pd.shapeString();
        }
        int cin = e != null ? e.desc().inC() : dd.inC();
        if (residual && (pd.outC() != cin || dd.outH() != dd.inH() || dd.outW() != dd.inW())) {
            return "residual needs the block's input shape at its output: " + pd.shapeString();
        }
        return null;
    }

    private static boolean pointwise(Conv2dDesc d) {
        return d.kH() == 1 && d.kW() == 1 && d.strideH() == 1 && d.strideW() == 1 && d.groups() == 1
                && d.padTop() == 0 && d.padLeft() == 0 && d.padBottom() == 0 && d.padRight() == 0;
    }

    InvertedResidual(ConvLayer e, ConvLayer d, ConvLayer p, boolean residual) {
        String why = rejects(e, d, p, residual);
        if (why != null) throw new IllegalArgumentException("inverted residual block: " + why);
        Conv2dDesc dd = d.desc(), pd = p.desc();
        expand = e == null ? null : new PointwiseConv1x1(ID, e.desc(), e.w().data(), e.w().offset(), data(e.bias()),
                offset(e.bias()), e.clamp());
        project = new PointwiseConv1x1(ID, pd, p.w().data(), p.w().offset(), data(p.bias()), offset(p.bias()),
                p.clamp());
        wd = DepthwiseConv3x3.packForward(d.w().data(), d.w().offset(), data(d.bias()), offset(d.bias()), dd.inC());
        biasAt = dd.inC() / L * 9 * L;
        dlo = d.clamp().lo();
        dhi = d.clamp().hi();
        this.residual = residual;
        N = dd.batch();
        H = dd.inH();
        W = dd.inW();
        Ce = dd.inC();
        Cin = e == null ? Ce : e.desc().inC();
        Ho = dd.outH();
        Wo = dd.outW();
        Cout = pd.outC();
        s = dd.strideH();
        P = Math.min(Ho, Math.max(1, (GROUP_PIXELS + Wo - 1) / Wo));
        R = e == null ? 3 : (P - 1) * s + 3;
    }

    private static float[] data(Tensor t) { return t == null ? null : t.data(); }

    private static int offset(Tensor t) { return t == null ? 0 : t.offset(); }

    @Override public String id() { return ID; }

    @Override public int[] inputShape() { return new int[] {N, H, W, Cin}; }

    @Override public int[] outputShape() { return new int[] {N, Ho, Wo, Cout}; }

    @Override
    public void forward(Tensor x, Tensor y) { bind(x, y).run(); }

    @Override
    public Runnable bind(Tensor x, Tensor y) {
        String op = "inverted residual block";
        Tensors.requireShape(op, "x", x, N, H, W, Cin);
        Tensors.requireShape(op, "y", y, N, Ho, Wo, Cout);
        Tensors.requireDisjoint(op, "y", y, "x", x);
        return new Task(x.data(), x.offset(), y.data(), y.offset());
    }

    /** One binding: its range body is itself, so a run allocates nothing. */
    private final class Task implements Runnable, Parallel.RangeBody {
        private final float[] x, y;
        private final int xo, yo;
        /** Bands per image in the current run. */
        private int bands;

        Task(float[] x, int xo, float[] y, int yo) {
            this.x = x;
            this.xo = xo;
            this.y = y;
            this.yo = yo;
        }

        @Override
        public void run() {
            int t = Parallel.threads();
            bands = N % t == 0 ? 1 : Math.min(t, Ho);
            Parallel.forRange(N * bands, 1, this);
        }

        @Override
        public void run(int worker, int u0, int u1) {
            int rowE = W * Ce;
            float[] ring = Scratch.get(Scratch.BLOCK_RING, (R + 1) * rowE);
            float[] dw = Scratch.get(Scratch.BLOCK_DW, P * Wo * Ce);
            int[] tag = Scratch.ints(Scratch.BLOCK_TAGS, R);
            Arrays.fill(tag, 0, R, -1);
            Arrays.fill(ring, R * rowE, (R + 1) * rowE, 0f);
            for (int u = u0; u < u1; u++) {
                int n = u / bands, b = u % bands;
                band(n, b * Ho / bands, (b + 1) * Ho / bands, ring, dw, tag, x, xo, y, yo);
            }
        }
    }

    /** Output rows [oh0, oh1) of image n. Ring row slot j at {@code j·W·Ce} holds expanded row r with r mod R = j. */
    private void band(int n, int oh0, int oh1, float[] ring, float[] dw, int[] tag, float[] x, int xo, float[] y,
                      int yo) {
        int rowE = W * Ce, zero = R * rowE, xImg = xo + n * H * W * Cin, yImg = yo + n * Ho * Wo * Cout;
        for (int g0 = oh0; g0 < oh1; g0 += P) {
            int g1 = Math.min(oh1, g0 + P);
            if (expand != null) {
                int r1 = Math.min(H, (g1 - 1) * s + 2);
                for (int r = Math.max(0, g0 * s - 1); r < r1; ) {
                    if (tag[r % R] == n * H + r) {
                        r++;
                        continue;
                    }
                    int e = r + 1;
                    while (e < r1 && e % R != 0) e++;
                    expand.rows(0, (e - r) * W, x, xImg + r * W * Cin, null, 0, ring, (r % R) * rowE);
                    for (int q = r; q < e; q++) tag[q % R] = n * H + q;
                    r = e;
                }
            }
            for (int oh = g0; oh < g1; oh++) {
                int top = oh * s - 1, o = (oh - g0) * Wo * Ce;
                if (expand != null) {
                    dwRow(ring, slot(top, zero), slot(top + 1, zero), slot(top + 2, zero), dw, o);
                } else if (top >= 0 && top + 2 < H) {
                    int r0 = xImg + top * rowE;
                    dwRow(x, r0, r0 + rowE, r0 + 2 * rowE, dw, o);
                } else {
                    // Rows that touch the padding: the rows inside the image copied next to the zero row.
                    for (int k = 0; k < 3; k++) {
                        int r = top + k;
                        if (r >= 0 && r < H) System.arraycopy(x, xImg + r * rowE, ring, k * rowE, rowE);
                    }
                    dwRow(ring, inside(top) ? 0 : zero, inside(top + 1) ? rowE : zero, inside(top + 2) ? 2 * rowE : zero,
                            dw, o);
                }
            }
            project.rows(0, (g1 - g0) * Wo, dw, 0, residual ? x : null, xImg + g0 * Wo * Cin, y,
                    yImg + g0 * Wo * Cout);
        }
    }

    private boolean inside(int r) { return r >= 0 && r < H; }

    private int slot(int r, int zero) { return inside(r) ? (r % R) * W * Ce : zero; }

    /**
     * One depthwise output row from source rows at {@code o0, o1, o2} of {@code src} (W pixels of Ce floats each)
     * into {@code out} at {@code ob}: the tiles run the columns whose windows read no padding, {@link #border} the
     * others. Pixels short of a last tile are run as a tile over the last 8 pixels, which overlaps the one before:
     * the 1-pixel tail, a chain of 9 dependent FMAs per pixel, cost as much for 6 pixels as the tiles for 48 (its
     * outputs are the same bits, the taps in the same order).
     */
    private void dwRow(float[] src, int o0, int o1, int o2, float[] out, int ob) {
        int lo0 = Math.min(Wo, 1), hi0 = Math.max(lo0, Math.min(Wo, Math.floorDiv(W - 2, s) + 1));
        for (int c = 0, wo = 0; c < Ce; c += L, wo += 9 * L) {
            int bo = biasAt + c, oc = ob + c, q0 = o0 - Ce + c, q1 = o1 - Ce + c, q2 = o2 - Ce + c;
            border(src, q0, q1, q2, 0, lo0, wo, bo, out, oc);
            int ow;
            if (s == 1) {
                ow = DepthwiseTiles3x3.fwd3x3s1Direct(src, q0, q1, q2, Ce, wd, wo, wd, bo, dlo, dhi, out, oc, Ce, lo0, hi0);
                if (ow < hi0 && hi0 - lo0 >= 8) { // the last 8 pixels again: same bits, a tile's speed
                    DepthwiseTiles3x3.fwd3x3s1Direct(src, q0, q1, q2, Ce, wd, wo, wd, bo, dlo, dhi, out, oc, Ce, hi0 - 8, hi0);
                } else if (ow < hi0) {
                    DepthwiseTiles3x3.fwd3x3s1DirectTail(src, q0, q1, q2, Ce, wd, wo, wd, bo, dlo, dhi, out, oc, Ce, ow,
                            hi0);
                }
            } else {
                ow = DepthwiseTiles3x3.fwd3x3s2Direct(src, q0, q1, q2, Ce, wd, wo, wd, bo, dlo, dhi, out, oc, Ce, lo0, hi0);
                if (ow < hi0 && hi0 - lo0 >= 8) {
                    DepthwiseTiles3x3.fwd3x3s2Direct(src, q0, q1, q2, Ce, wd, wo, wd, bo, dlo, dhi, out, oc, Ce, hi0 - 8, hi0);
                } else if (ow < hi0) {
                    DepthwiseTiles3x3.fwd3x3s2DirectTail(src, q0, q1, q2, Ce, wd, wo, wd, bo, dlo, dhi, out, oc, Ce, ow,
                            hi0);
                }
            }
            border(src, q0, q1, q2, hi0, Wo, wo, bo, out, oc);
        }
    }

    /**
     * Output pixels [ow0, ow1) of one channel vector, skipping the taps whose column lies outside [0, W): column
     * ow·s − 1 + kw of kernel row kh is at {@code src[q<kh> + (ow·s + kw)·Ce]}.
     */
    private void border(float[] src, int q0, int q1, int q2, int ow0, int ow1, int wo, int bo, float[] out, int oc) {
        if (ow0 >= ow1) return;
        FloatVector bias = FloatVector.fromArray(F, wd, bo);
        FloatVector vlo = FloatVector.broadcast(F, dlo), vhi = FloatVector.broadcast(F, dhi);
        for (int ow = ow0; ow < ow1; ow++) {
            FloatVector a = bias;
            for (int kw = 0; kw < 3; kw++) {
                int iw = ow * s - 1 + kw;
                if (iw < 0 || iw >= W) continue;
                int p = (ow * s + kw) * Ce;
                a = FloatVector.fromArray(F, src, q0 + p).fma(FloatVector.fromArray(F, wd, wo + kw * L), a);
                a = FloatVector.fromArray(F, src, q1 + p).fma(FloatVector.fromArray(F, wd, wo + (3 + kw) * L), a);
                a = FloatVector.fromArray(F, src, q2 + p).fma(FloatVector.fromArray(F, wd, wo + (6 + kw) * L), a);
            }
            a.max(vlo).min(vhi).intoArray(out, oc + ow * Ce);
        }
    }
}

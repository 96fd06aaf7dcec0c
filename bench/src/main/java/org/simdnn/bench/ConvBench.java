package org.simdnn.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.simdnn.kernels.conv.ConvAlgo;
import org.simdnn.kernels.conv.ConvPass;
import org.simdnn.kernels.conv.ConvPlanner;
import org.simdnn.kernels.conv.Im2col;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.kernels.layout.Layouts;
import org.simdnn.ffm.blas.OpenBlas;
import org.simdnn.ops.Conv2dDesc;

/**
 * NHWC convolution passes, ours against im2col baselines in the same run. GFLOPS = score (ops/s) x
 * {@link #flops(String)} / 1e9 (the same FLOPs for all three passes: 2·N·OH·OW·K·kH·kW·C/groups).
 *
 * <ul>
 *   <li>{@code simdnn}: {@link ConvPlanner} with the planner's choice (see {@link ConvPlanner#explain}). For 3x3
 *       stride-1 layers that is Winograd F(4x4, 3x3) for forward and backward data where it fits (padding to
 *       whole 4x4 blocks wastes at most 1.2x), else F(2x2, 3x3), which also runs every weight gradient; they do
 *       4x and 2.25x fewer multiply-adds, so their GFLOPS are effective (direct-convolution FLOPs per second)
 *       and can exceed the FMA peak.
 *   <li>every other {@link ConvAlgo}, forced, under its constant's name in lower case ({@code pointwise-gemm},
 *       {@code winograd-f4x3}, ..., {@code direct}; {@link #label}): the bench's list is the enum's, checked by
 *       a test. {@code im2col-gemm} (im2col by tiles + our SGEMM) is also the "im2col + our SGEMM" baseline. A
 *       forced implementation that rejects the shape and pass by design ({@link ConvAlgo#rejects}) is skipped
 *       with its reason, not failed.
 *   <li>{@code im2col-openblas}: Caffe-style per-image im2col into a Java array, bulk-copied off-heap, then
 *       bytedeco's {@code cblas_sgemm} (JNI) with weights and dY kept off-heap (outputs copied back
 *       in bulk, bias added by a plain loop).
 *   <li>{@code im2col-openblas-ffm}: the same per-image im2col with {@link OpenBlas#sgemm} (our FFM bridge, heap
 *       arrays passed directly); bias pre-filled, beta = 1. Backward data copies the column matrix back for col2im (timed). The
 *       machine's env pins OPENBLAS_CORETYPE=Haswell; also run under {@code env -u OPENBLAS_CORETYPE -u
 *       OPENBLAS_L2_SIZE}.
 *   <li>{@code nchw-im2col-openblas-ffm}: the NCHW layout for comparison (Caffe / PyTorch's CPU slow path): per
 *       image, {@code col [C·kH·kW, OH·OW]} by NCHW im2col, then {@code Y = W[K, C·kH·kW] · col} (OIHW weights),
 *       {@code col = Wᵀ · dY} + col2im, {@code dW += dY · colᵀ}, all through {@link OpenBlas#sgemm}. Data stays
 *       NCHW throughout the timed loop (converted once in setup).
 * </ul>
 * The three im2col baselines run groups 1 only; grouped shapes are skipped.
 * Shapes: the reference CNN's four 3x3 layers at batch 128, ResNet-50 conv2_x (3x3 64->64 and 1x1 64->256 at
 * 56x56, batch 8) and MobileNet depthwise 3x3 layers (batch 8). Setup checks the pass against the direct
 * loop on a batch-2 copy of the shape before timing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvBench {

    @Param({"mb128_ih28iw28ic1_oc32_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1",
            "mb128_ih28iw28ic32_oc32_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1",
            "mb128_ih14iw14ic32_oc64_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1",
            "mb128_ih14iw14ic64_oc64_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1",
            "mb8_ih56iw56ic64_oc64_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1",
            "mb8_ih56iw56ic64_oc256_kh1kw1_sh1sw1_ph0pw0_dh1dw1_g1",
            "mb8_ih112iw112ic32_oc32_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g32",
            "mb8_ih56iw56ic128_oc128_kh3kw3_sh2sw2_ph1pw1_dh1dw1_g128"})
    public String shape;

    /** {@link ConvAlgo}'s constants by {@link #label}, in the planner's order, then {@link #BASELINES}. */
    @Param({"simdnn", "pointwise-gemm", "winograd-f4x3", "winograd-f2x3", "implicit-gemm", "im2col-gemm", "depthwise",
            "direct", "im2col-openblas", "im2col-openblas-ffm", "nchw-im2col-openblas-ffm"})
    public String impl;

    /** The implementations that are not ours, in the order of the {@code impl} parameter. */
    static final List<String> BASELINES = List.of("im2col-openblas", "im2col-openblas-ffm", "nchw-im2col-openblas-ffm");

    @Param({"fwd", "bwd-data", "bwd-weights"})
    public String pass;

    @Param({"2"})
    public int threads;

    private Conv2dDesc d;
    /** Ours: the algorithm run (AUTO for the planner); null for a baseline. */
    private ConvAlgo algo;
    private float[] x, w, b, y, dy, dx, dw, db, col;
    /** NCHW / OIHW copies for the nchw impl. */
    private float[] xN, wN, yN, dyN, dxN, dwN;
    private FloatPointer pCol, pW, pY, pDy, pDw;

    private static final Pattern SHAPE = Pattern.compile(
            "mb(\\d+)_ih(\\d+)iw(\\d+)ic(\\d+)_oc(\\d+)_kh(\\d+)kw(\\d+)_sh(\\d+)sw(\\d+)_ph(\\d+)pw(\\d+)_dh(\\d+)dw(\\d+)_g(\\d+)");

    /** Parses {@link Conv2dDesc#shapeString()} (symmetric padding). */
    static Conv2dDesc parse(String s) {
        Matcher m = SHAPE.matcher(s);
        if (!m.matches()) throw new IllegalArgumentException("not a Conv2dDesc shape string: " + s);
        int[] v = new int[14];
        for (int i = 0; i < 14; i++) v[i] = Integer.parseInt(m.group(i + 1));
        return new Conv2dDesc(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[9], v[10], v[11],
                v[12], v[13]);
    }

    /** The bench name of an algorithm: {@code simdnn} for the planner's choice, else the constant in lower case. */
    static String label(ConvAlgo a) {
        return a == ConvAlgo.AUTO ? "simdnn" : a.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The algorithm {@code impl} names, or null for a baseline. */
    static ConvAlgo algo(String impl) {
        for (ConvAlgo a : ConvAlgo.values()) if (label(a).equals(impl)) return a;
        if (BASELINES.contains(impl)) return null;
        throw new IllegalArgumentException("impl must be one of " + Arrays.stream(ConvAlgo.values()).map(ConvBench::label)
                .toList() + " or " + BASELINES + ", got " + impl);
    }

    /** FLOPs of one pass (forward, backward data or backward weights): 2·N·OH·OW·K·kH·kW·C/groups. */
    public static double flops(String shape) { return parse(shape).flops(); }

    private static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Setup(Level.Trial)
    public void setup() {
        d = parse(shape);
        algo = algo(impl);
        Parallel.setThreads(threads);
        String why = rejects(algo, d, passOf());
        if (why != null) throw new UnsupportedOperationException("skip: " + impl + " " + pass + " " + shape + ": " + why);
        if (impl.endsWith("im2col-openblas-ffm") && !OpenBlas.isAvailable()) {
            throw new IllegalStateException("OpenBLAS (FFM) not available: " + OpenBlas.describe());
        }
        verify(new Conv2dDesc(Math.min(2, d.batch()), d.inH(), d.inW(), d.inC(), d.outC(), d.kH(), d.kW(),
                d.strideH(), d.strideW(), d.padTop(), d.padLeft(), d.padBottom(), d.padRight(), d.dilationH(),
                d.dilationW(), d.groups()));
        alloc(d);
        if (impl.equals("im2col-openblas")) openblas.blas_set_num_threads(threads);
        if (impl.endsWith("im2col-openblas-ffm")) OpenBlas.setThreads(threads);
        System.out.println("\n" + ConvPlanner.explain(d, passOf()).strip());
    }

    /**
     * Why {@code algo} (null: a baseline) does not run {@code pass} of {@code d} by design, or null. A rejection
     * is a skip; anything that goes wrong after this check (a wrong result, an exception) is a failure.
     */
    static String rejects(ConvAlgo algo, Conv2dDesc d, ConvPass pass) {
        if (algo != null) return algo.rejects(d, pass);
        return d.groups() == 1 ? null : "the im2col baselines run groups 1 only (groups " + d.groups() + ")";
    }

    private ConvPass passOf() {
        return switch (pass) {
            case "fwd" -> ConvPass.FORWARD;
            case "bwd-data" -> ConvPass.BACKWARD_DATA;
            case "bwd-weights" -> ConvPass.BACKWARD_WEIGHTS;
            default -> throw new IllegalArgumentException("pass must be fwd, bwd-data or bwd-weights, got " + pass);
        };
    }

    private void alloc(Conv2dDesc dd) {
        int in = dd.batch() * dd.inH() * dd.inW() * dd.inC(), out = dd.batch() * dd.outH() * dd.outW() * dd.outC();
        int ws = dd.kH() * dd.kW() * dd.inCPerGroup() * dd.outC();
        x = random(1, in);
        w = random(2, ws);
        b = random(3, dd.outC());
        y = new float[out];
        dy = random(4, out);
        dx = new float[in];
        dw = new float[ws];
        db = new float[dd.outC()];
        if (pCol != null) tearDown();
        if (impl.endsWith("im2col-openblas-ffm")) {
            col = new float[dd.outH() * dd.outW() * dd.kH() * dd.kW() * dd.inC()];
        }
        if (impl.equals("nchw-im2col-openblas-ffm")) {
            xN = new float[in];
            Layouts.nhwcToNchw(x, 0, xN, 0, dd.batch(), dd.inH(), dd.inW(), dd.inC());
            wN = new float[ws];
            Layouts.hwioToOihw(w, 0, wN, 0, dd.kH(), dd.kW(), dd.inC(), dd.outC());
            dyN = new float[out];
            Layouts.nhwcToNchw(dy, 0, dyN, 0, dd.batch(), dd.outH(), dd.outW(), dd.outC());
            yN = new float[out];
            dxN = new float[in];
            dwN = new float[ws];
        }
        if (impl.equals("im2col-openblas")) {
            int m = dd.outH() * dd.outW(), kc = dd.kH() * dd.kW() * dd.inC();
            col = new float[m * kc];
            pCol = new FloatPointer(m * kc);
            pW = new FloatPointer(w);
            pY = new FloatPointer(out);
            pDy = new FloatPointer(dy);
            pDw = new FloatPointer(ws);
        }
    }

    /** The pass at a small batch against the direct loop; throws before any timing when they disagree. */
    private void verify(Conv2dDesc small) {
        alloc(small);
        Conv2dDesc keep = d;
        d = small;
        run();
        if (impl.equals("nchw-im2col-openblas-ffm")) {
            Layouts.nchwToNhwc(yN, 0, y, 0, small.batch(), small.outC(), small.outH(), small.outW());
            Layouts.nchwToNhwc(dxN, 0, dx, 0, small.batch(), small.inC(), small.inH(), small.inW());
            Layouts.oihwToHwio(dwN, 0, dw, 0, small.outC(), small.inC(), small.kH(), small.kW());
        }
        float[] got = switch (pass) {
            case "fwd" -> y.clone();
            case "bwd-data" -> dx.clone();
            default -> concat(dw, db);
        };
        switch (pass) {
            case "fwd" -> ConvPlanner.forward(ConvAlgo.DIRECT, small, x, 0, w, 0, b, 0, y, 0);
            case "bwd-data" -> ConvPlanner.backwardData(ConvAlgo.DIRECT, small, dy, 0, w, 0, dx, 0);
            default -> ConvPlanner.backwardWeights(ConvAlgo.DIRECT, small, x, 0, dy, 0, dw, 0, db, 0);
        }
        float[] want = switch (pass) {
            case "fwd" -> y;
            case "bwd-data" -> dx;
            default -> concat(dw, db);
        };
        int reduction = pass.equals("bwd-weights") ? small.batch() * small.outH() * small.outW()
                : small.kH() * small.kW() * Math.max(small.inCPerGroup(), small.outCPerGroup());
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-5 * reduction * (1 + Math.abs(want[i]));
            if (!(Math.abs(want[i] - got[i]) <= tol)) {
                throw new IllegalStateException(impl + " " + pass + " " + small.shapeString() + " wrong at " + i + ": "
                        + got[i] + " vs direct " + want[i]);
            }
        }
        d = keep;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = new float[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (FloatPointer p : new FloatPointer[] {pCol, pW, pY, pDy, pDw}) if (p != null) p.close();
        pCol = pW = pY = pDy = pDw = null;
    }

    @Benchmark
    public float run() {
        if (algo != null) {
            switch (pass) {
                case "fwd" -> ConvPlanner.forward(algo, d, x, 0, w, 0, b, 0, y, 0);
                case "bwd-data" -> ConvPlanner.backwardData(algo, d, dy, 0, w, 0, dx, 0);
                default -> ConvPlanner.backwardWeights(algo, d, x, 0, dy, 0, dw, 0, db, 0);
            }
        } else {
            switch (impl) {
                case "im2col-openblas" -> im2colOpenBlas();
                case "im2col-openblas-ffm" -> im2colOpenBlasFfm();
                default -> nchwIm2colOpenBlasFfm();
            }
        }
        return pass.equals("fwd") ? y[0] : pass.equals("bwd-data") ? dx[0] : dw[0];
    }

    /** Per image: im2col, one {@link OpenBlas#sgemm} on the heap arrays. */
    private void im2colOpenBlasFfm() {
        int m = d.outH() * d.outW(), k = d.outC(), kc = d.kH() * d.kW() * d.inC();
        switch (pass) {
            case "fwd" -> {
                for (int n = 0; n < d.batch(); n++) {
                    Im2col.pack(d, x, 0, n * m, m, col);
                    for (int r = 0; r < m; r++) System.arraycopy(b, 0, y, (n * m + r) * k, k);
                    OpenBlas.sgemm(false, false, m, k, kc, 1f, col, 0, kc, w, 0, k, 1f, y, n * m * k, k);
                }
            }
            case "bwd-data" -> {
                Arrays.fill(dx, 0f);
                for (int n = 0; n < d.batch(); n++) {
                    OpenBlas.sgemm(false, true, m, kc, k, 1f, dy, n * m * k, k, w, 0, k, 0f, col, 0, kc);
                    Im2col.scatterAdd(d, col, n * m, m, dx, 0);
                }
            }
            default -> {
                for (int n = 0; n < d.batch(); n++) {
                    Im2col.pack(d, x, 0, n * m, m, col);
                    OpenBlas.sgemm(true, false, kc, k, m, 1f, col, 0, kc, dy, n * m * k, k, n == 0 ? 0f : 1f, dw, 0, k);
                }
                Arrays.fill(db, 0f);
                for (int r = 0, rows = d.batch() * m; r < rows; r++) {
                    for (int j = 0; j < k; j++) db[j] += dy[r * k + j];
                }
            }
        }
    }

    /** NCHW, per image: col [C·kH·kW, OH·OW] and one {@link OpenBlas#sgemm}, weights OIHW ([K, C·kH·kW]). */
    private void nchwIm2colOpenBlasFfm() {
        int hw = d.outH() * d.outW(), k = d.outC(), kc = d.kH() * d.kW() * d.inC(), in = d.inC() * d.inH() * d.inW();
        switch (pass) {
            case "fwd" -> {
                for (int n = 0; n < d.batch(); n++) {
                    im2colNchw(xN, n * in, col);
                    for (int j = 0; j < k; j++) Arrays.fill(yN, (n * k + j) * hw, (n * k + j + 1) * hw, b[j]);
                    OpenBlas.sgemm(false, false, k, hw, kc, 1f, wN, 0, kc, col, 0, hw, 1f, yN, n * k * hw, hw);
                }
            }
            case "bwd-data" -> {
                Arrays.fill(dxN, 0f);
                for (int n = 0; n < d.batch(); n++) {
                    OpenBlas.sgemm(true, false, kc, hw, k, 1f, wN, 0, kc, dyN, n * k * hw, hw, 0f, col, 0, hw);
                    col2imNchw(col, dxN, n * in);
                }
            }
            default -> {
                for (int n = 0; n < d.batch(); n++) {
                    im2colNchw(xN, n * in, col);
                    OpenBlas.sgemm(false, true, k, kc, hw, 1f, dyN, n * k * hw, hw, col, 0, hw, n == 0 ? 0f : 1f, dwN, 0, kc);
                }
                Arrays.fill(db, 0f);
                for (int n = 0; n < d.batch(); n++) {
                    for (int j = 0; j < k; j++) {
                        float s = 0f;
                        for (int i = 0, o = (n * k + j) * hw; i < hw; i++) s += dyN[o + i];
                        db[j] += s;
                    }
                }
            }
        }
    }

    /** col[(c·kH + kh)·kW + kw][oh·OW + ow] = x[c][oh·sh + kh·dh − pt][ow·sw + kw·dw − pl] (0 outside). */
    private void im2colNchw(float[] src, int so, float[] dst) {
        int H = d.inH(), W = d.inW(), OH = d.outH(), OW = d.outW(), hw = OH * OW;
        for (int c = 0, r = 0; c < d.inC(); c++) {
            for (int kh = 0; kh < d.kH(); kh++) {
                for (int kw = 0; kw < d.kW(); kw++, r++) {
                    for (int oh = 0; oh < OH; oh++) {
                        int ih = oh * d.strideH() + kh * d.dilationH() - d.padTop(), o = r * hw + oh * OW;
                        for (int ow = 0; ow < OW; ow++) {
                            int iw = ow * d.strideW() + kw * d.dilationW() - d.padLeft();
                            dst[o + ow] = ih >= 0 && ih < H && iw >= 0 && iw < W ? src[so + (c * H + ih) * W + iw] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2colNchw}: dx[c][ih][iw] += col[...] over the windows that read it. */
    private void col2imNchw(float[] src, float[] dst, int dOff) {
        int H = d.inH(), W = d.inW(), OH = d.outH(), OW = d.outW(), hw = OH * OW;
        for (int c = 0, r = 0; c < d.inC(); c++) {
            for (int kh = 0; kh < d.kH(); kh++) {
                for (int kw = 0; kw < d.kW(); kw++, r++) {
                    for (int oh = 0; oh < OH; oh++) {
                        int ih = oh * d.strideH() + kh * d.dilationH() - d.padTop(), o = r * hw + oh * OW;
                        if (ih < 0 || ih >= H) continue;
                        for (int ow = 0; ow < OW; ow++) {
                            int iw = ow * d.strideW() + kw * d.dilationW() - d.padLeft();
                            if (iw >= 0 && iw < W) dst[dOff + (c * H + ih) * W + iw] += src[o + ow];
                        }
                    }
                }
            }
        }
    }

    /** Per image: im2col (Java), copy off-heap, one cblas_sgemm. */
    private void im2colOpenBlas() {
        int m = d.outH() * d.outW(), k = d.outC(), kc = d.kH() * d.kW() * d.inC();
        switch (pass) {
            case "fwd" -> {
                for (int n = 0; n < d.batch(); n++) {
                    Im2col.pack(d, x, 0, n * m, m, col);
                    pCol.put(col, 0, m * kc);
                    pY.position((long) n * m * k);
                    openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, m, k, kc,
                            1f, pCol, kc, pW, k, 0f, pY, k);
                    pY.position(0);
                }
                pY.get(y, 0, y.length);
                for (int r = 0, rows = d.batch() * m; r < rows; r++) {
                    for (int j = 0; j < k; j++) y[r * k + j] += b[j];
                }
            }
            case "bwd-data" -> {
                Arrays.fill(dx, 0f);
                for (int n = 0; n < d.batch(); n++) {
                    pDy.position((long) n * m * k);
                    openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, m, kc, k,
                            1f, pDy, k, pW, k, 0f, pCol, kc);
                    pDy.position(0);
                    pCol.get(col, 0, m * kc);
                    Im2col.scatterAdd(d, col, n * m, m, dx, 0);
                }
            }
            default -> {
                for (int n = 0; n < d.batch(); n++) {
                    Im2col.pack(d, x, 0, n * m, m, col);
                    pCol.put(col, 0, m * kc);
                    pDy.position((long) n * m * k);
                    openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, kc, k, m,
                            1f, pCol, kc, pDy, k, n == 0 ? 0f : 1f, pDw, k);
                    pDy.position(0);
                }
                pDw.get(dw, 0, dw.length);
                Arrays.fill(db, 0f);
                for (int r = 0, rows = d.batch() * m; r < rows; r++) {
                    for (int j = 0; j < k; j++) db[j] += dy[r * k + j];
                }
            }
        }
    }
}

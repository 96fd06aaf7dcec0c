package org.simdnn.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.simdnn.kernels.cpu.CpuBackend;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.ConvLayer;
import org.simdnn.ops.PreparedBlock;
import org.simdnn.reference.Check;
import org.simdnn.reference.ConvChecks;
import org.simdnn.reference.ReferenceConv;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * The fused inverted-residual block ({@link InvertedResidual}) against the reference convolutions run one after the
 * other (double accumulation, each layer rounded to float and clamped as the unfused plan stores it), over odd
 * sizes, both strides (odd and even widths: the right padding is read only for odd widths at stride 2), channel
 * counts that are not whole vectors at the block's ends, blocks with and without expansion and residual, groups of
 * rows that wrap the ring, batch 1 to 3 on 1 to 3 threads; the same bits for every thread count. Tolerance: the
 * rounding bound of the three reductions in a row ({@link ConvChecks#tol}) relative to the chain of |terms|.
 */
class InvertedResidualTest {
    /** Lanes per vector; the Vector API classes may be absent (scalar mode). */
    private static final int L = Math.max(1, CpuInfo.VECTOR_BITS / 32);
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    /** ceVectors = expanded channels in vectors; expand false: the block's input has those channels. */
    record Case(int n, int h, int w, int cin, int ceVectors, int cout, int stride, boolean expand, boolean residual) {
        int ce() { return ceVectors * L; }

        int in() { return expand ? cin : ce(); }

        Conv2dDesc e() { return Conv2dDesc.of(n, h, w, cin, ce(), 1, 1, 0); }

        Conv2dDesc d() { return new Conv2dDesc(n, h, w, ce(), ce(), 3, 3, stride, stride, 1, 1, 1, 1, 1, 1, ce()); }

        Conv2dDesc p() { return Conv2dDesc.of(n, d().outH(), d().outW(), ce(), cout, 1, 1, 0); }

        @Override public String toString() {
            return "n" + n + " " + h + "x" + w + " " + in() + "->" + ce() + "->" + cout + " s" + stride
                    + (expand ? "" : " no-expand") + (residual ? " +res" : "");
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case(1, 9, 11, 24, 3, 24, 1, true, true),       // residual, odd sizes, 1.5-vector ends at 512 bits
                new Case(2, 13, 10, 5, 2, 17, 2, true, false),      // stride 2, even width: no right padding read
                new Case(1, 11, 13, 16, 2, 7, 2, true, false),      // stride 2, odd width: right padding read
                new Case(3, 7, 7, 40, 4, 40, 1, true, true),        // batch 3: bands on 2 threads
                new Case(1, 1, 1, 8, 1, 8, 1, true, true),          // one pixel: only padding around it
                new Case(1, 2, 3, 3, 1, 5, 2, true, false),         // smaller than the kernel
                new Case(2, 12, 20, 0, 2, 9, 1, false, false),      // no expansion (MobileNetV2's first block)
                new Case(1, 15, 9, 0, 1, 16, 2, false, false),      // no expansion, stride 2
                new Case(1, 6, 5, 0, 1, L, 1, false, true),         // no expansion, residual
                new Case(1, 30, 28, 6, 2, 6, 1, true, true),        // 2-row groups, bands on 2 and 3 threads
                new Case(1, 57, 9, 12, 1, 12, 1, true, true),       // 6-row groups, ring of 8 rows wraps
                new Case(1, 33, 17, 8, 1, 10, 2, true, false),      // stride 2, ring of 13 rows wraps
                new Case(2, 7, 7, 160, 960 / L, 160, 1, true, true)); // MobileNetV2's 7x7 block: weights over L2
    }

    @Test
    void matchesReferenceLayersOnOneToThreeThreads() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar mode: the block runs layer by layer");
        Clamp relu6 = new Clamp(0f, 6f);
        Clamp[] projectClamps = {Clamp.NONE, new Clamp(-0.5f, 0.7f)};
        int seed = 0;
        for (Case c : cases()) {
            for (Clamp pc : projectClamps) {
                seed++;
                float[] x = Check.random(100 + seed, c.n * c.h * c.w * c.in() + 3); // at offset 3
                float[] we = c.expand ? Check.random(200 + seed, c.cin * c.ce()) : null;
                float[] be = c.expand ? Check.random(300 + seed, c.ce()) : null;
                float[] wd = Check.random(400 + seed, 9 * c.ce()), bd = Check.random(500 + seed, c.ce());
                float[] wp = Check.random(600 + seed, c.ce() * c.cout), bp = seed % 2 == 0 ? null : Check.random(700 + seed, c.cout);
                float[] xin = java.util.Arrays.copyOfRange(x, 3, x.length);

                // Reference: each layer in double, rounded to float, clamped; and the magnitudes for the tolerance.
                float[] e = xin, eAbs = abs(xin);
                if (c.expand) {
                    e = new float[c.n * c.h * c.w * c.ce()];
                    ReferenceConv.forward(c.e(), xin, we, be, e);
                    clamp(e, relu6);
                    eAbs = toFloat(ReferenceConv.forwardScale(c.e(), eAbs, we, be));
                }
                float[] d = new float[c.n * c.d().outH() * c.d().outW() * c.ce()];
                ReferenceConv.forward(c.d(), e, wd, bd, d);
                clamp(d, relu6);
                float[] dAbs = toFloat(ReferenceConv.forwardScale(c.d(), eAbs, wd, bd));
                int outN = c.n * c.d().outH() * c.d().outW() * c.cout;
                float[] y = new float[outN];
                ReferenceConv.forward(c.p(), d, wp, bp, y);
                double[] scale = ReferenceConv.forwardScale(c.p(), dAbs, wp, bp);
                float[] want = new float[outN + 5];
                for (int i = 0; i < outN; i++) {
                    double v = y[i] + (c.residual ? xin[i] : 0.0);
                    want[5 + i] = pc.apply((float) v);
                    if (c.residual) scale[i] += Math.abs(xin[i]);
                }

                ConvLayer le = c.expand ? new ConvLayer(c.e(), Tensor.wrap(we, 0, Layout.ROW_MAJOR, c.e().weightShape()),
                        Tensor.wrap(be, be.length), relu6) : null;
                ConvLayer ld = new ConvLayer(c.d(), Tensor.wrap(wd, 0, Layout.ROW_MAJOR, c.d().weightShape()),
                        Tensor.wrap(bd, bd.length), relu6);
                ConvLayer lp = new ConvLayer(c.p(), Tensor.wrap(wp, 0, Layout.ROW_MAJOR, c.p().weightShape()),
                        bp == null ? null : Tensor.wrap(bp, bp.length), pc);
                PreparedBlock block = new CpuBackend().prepareInvertedResidual(le, ld, lp, c.residual);
                assertNotNull(block, c + ": " + ConvPlanner.invertedResidualRejects(le, ld, lp, c.residual));
                assertEquals(InvertedResidual.ID, block.id());
                float[] first = null;
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    float[] got = Check.random(800 + seed, outN + 5); // garbage: overwritten
                    Runnable r = block.bind(Tensor.wrap(x, 3, Layout.NHWC, c.n, c.h, c.w, c.in()),
                            Tensor.wrap(got, 5, Layout.NHWC, block.outputShape()));
                    for (int rep = 0; rep < 2; rep++) { // twice: nothing may depend on what a run leaves behind
                        r.run();
                        Check.close(c + " project " + pc + " threads " + threads, want, got, 5, outN, 1, outN, scale,
                                ConvChecks.tol(c.in() + 9 + c.ce() + 2));
                    }
                    float[] out = java.util.Arrays.copyOfRange(got, 5, got.length);
                    if (first == null) first = out;
                    else assertArrayEquals(first, out, c + ": " + threads + " threads vs 1");
                }
            }
        }
    }

    @Test
    void rejectsWhatItCannotRunWithAReason() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar mode");
        Conv2dDesc e = Conv2dDesc.of(1, 8, 8, 8, 2 * L, 1, 1, 0);
        Conv2dDesc d = new Conv2dDesc(1, 8, 8, 2 * L, 2 * L, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2 * L);
        Conv2dDesc p = Conv2dDesc.of(1, 8, 8, 2 * L, 8, 1, 1, 0);
        assertNull(InvertedResidual.rejects(layer(e), layer(d), layer(p), true));
        // expanded channels not in whole vectors
        Conv2dDesc e3 = Conv2dDesc.of(1, 8, 8, 8, L + 1, 1, 1, 0);
        Conv2dDesc d3 = new Conv2dDesc(1, 8, 8, L + 1, L + 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, L + 1);
        Conv2dDesc p3 = Conv2dDesc.of(1, 8, 8, L + 1, 8, 1, 1, 0);
        assertTrue(InvertedResidual.rejects(layer(e3), layer(d3), layer(p3), false).contains("whole vectors"));
        assertNull(new CpuBackend().prepareInvertedResidual(layer(e3), layer(d3), layer(p3), false));
        // padding 0, a 3x3 dense middle layer, a residual across a stride-2 block, mismatched channels
        Conv2dDesc d0 = new Conv2dDesc(1, 8, 8, 2 * L, 2 * L, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2 * L);
        assertTrue(InvertedResidual.rejects(layer(e), layer(d0), layer(Conv2dDesc.of(1, 6, 6, 2 * L, 8, 1, 1, 0)), false)
                .contains("padding 1"));
        assertTrue(InvertedResidual.rejects(layer(e), layer(Conv2dDesc.of(1, 8, 8, 2 * L, 2 * L, 3, 1, 1)), layer(p), false)
                .contains("depthwise"));
        Conv2dDesc d2 = new Conv2dDesc(1, 8, 8, 2 * L, 2 * L, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2 * L);
        assertTrue(InvertedResidual.rejects(layer(e), layer(d2), layer(Conv2dDesc.of(1, 4, 4, 2 * L, 8, 1, 1, 0)), true)
                .contains("residual"));
        assertTrue(InvertedResidual.rejects(layer(Conv2dDesc.of(1, 8, 8, 8, 3 * L, 1, 1, 0)), layer(d), layer(p), false)
                .contains("does not feed"));
        assertThrows(IllegalArgumentException.class, () -> new InvertedResidual(layer(e3), layer(d3), layer(p3), false));
        // shapes at the call
        PreparedBlock b = new InvertedResidual(layer(e), layer(d), layer(p), true);
        Tensor x = Tensor.zeros(Layout.NHWC, 1, 8, 8, 8);
        assertThrows(IllegalArgumentException.class, () -> b.forward(x, Tensor.zeros(Layout.NHWC, 1, 8, 8, 9)));
        assertThrows(IllegalArgumentException.class, () -> b.forward(Tensor.zeros(Layout.NHWC, 1, 8, 7, 8), x));
        assertThrows(IllegalArgumentException.class, () -> b.forward(x, x));
    }

    private static ConvLayer layer(Conv2dDesc d) {
        return new ConvLayer(d, Tensor.zeros(d.weightShape()), null, Clamp.NONE);
    }

    private static void clamp(float[] a, Clamp c) {
        for (int i = 0; i < a.length; i++) a[i] = c.apply(a[i]);
    }

    private static float[] abs(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]);
        return r;
    }

    private static float[] toFloat(double[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = (float) a[i];
        return r;
    }
}

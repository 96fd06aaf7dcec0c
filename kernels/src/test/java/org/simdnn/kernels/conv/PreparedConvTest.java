package org.simdnn.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.kernels.cpu.CpuBackend;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.PreparedConv2d;
import org.simdnn.reference.Check;
import org.simdnn.reference.ConvChecks;
import org.simdnn.reference.ReferenceConv;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Every implementation's prepared forward pass (weights laid out once, epilogue fused) on every case it accepts,
 * against the reference convolution followed by the residual add and the clamp, on one and two threads (batch 1
 * on two threads splits inside the layer).
 */
class PreparedConvTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    /** The reference cases plus batch-1 layers large enough to split between threads (the reference CNN's). */
    static List<Conv2dDesc> cases() {
        List<Conv2dDesc> c = new ArrayList<>(ReferenceConv.cases());
        c.add(Conv2dDesc.of(1, 28, 28, 1, 32, 3, 1, 1));
        c.add(Conv2dDesc.of(1, 28, 28, 32, 32, 3, 1, 1));
        c.add(Conv2dDesc.of(1, 14, 14, 32, 64, 3, 1, 1));
        c.add(Conv2dDesc.of(1, 15, 13, 16, 48, 3, 1, 1));
        c.add(new Conv2dDesc(1, 17, 19, 24, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1));
        // 1x1 (PointwiseConv1x1): panels of 1..4 vectors, a narrower last panel, a masked last vector, row tails
        c.add(Conv2dDesc.of(1, 7, 9, 16, 96, 1, 1, 0));       // 6 vectors: 3-vector panels, 63 rows
        c.add(Conv2dDesc.of(2, 5, 7, 24, 24, 1, 1, 0));       // 1.5 vectors: masked last vector
        c.add(Conv2dDesc.of(1, 11, 13, 3, 7, 1, 1, 0));       // k 3, less than a vector
        c.add(Conv2dDesc.of(1, 9, 9, 32, 80, 1, 1, 0));       // 5 vectors: 4 + 1
        c.add(Conv2dDesc.of(1, 6, 7, 40, 160, 1, 1, 0));      // 10 vectors: 2-vector panels
        c.add(Conv2dDesc.of(3, 4, 5, 144, 36, 1, 1, 0));      // k over a vector, 60 rows
        c.add(Conv2dDesc.of(1, 41, 40, 16, 16, 1, 1, 0));     // 1640 rows: several chunks per thread
        c.add(Conv2dDesc.of(1, 7, 7, 480, 344, 1, 1, 0));     // weights over L2, A in it: one chunk, 21.5 vectors
        return c;
    }

    static Stream<Arguments> accepted() {
        List<Arguments> out = new ArrayList<>();
        for (ConvAlgo a : ConvAlgo.values()) {
            for (Conv2dDesc d : cases()) {
                if (a == ConvAlgo.AUTO || a.impl.rejects(d, ConvPass.FORWARD) == null) out.add(Arguments.of(a, d));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("accepted")
    void matchesReferenceWithEpilogue(ConvAlgo a, Conv2dDesc d) {
        Clamp[] clamps = {Clamp.NONE, Clamp.RELU, new Clamp(-0.5f, 0.7f), Clamp.RELU};
        boolean[] residual = {false, true, true, false};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int i = 0; i < clamps.length; i++) {
                check(a, d, clamps[i], residual[i], i % 2 == 0, threads);
            }
        }
    }

    private static void check(ConvAlgo a, Conv2dDesc d, Clamp clamp, boolean withResidual, boolean withBias,
                              int threads) {
        int in = ConvChecks.inSize(d), out = ConvChecks.outSize(d);
        float[] x = Check.random(21, in), w = Check.random(22, ConvChecks.wSize(d));
        float[] b = withBias ? Check.random(23, d.outC()) : null;
        float[] r = withResidual ? Check.random(24, out + 3) : null; // at offset 3: offsets must be honoured
        float[] conv = new float[out];
        ReferenceConv.forward(d, x, w, b, conv);
        double[] scale = ReferenceConv.forwardScale(d, x, w, b);
        float[] e = new float[5 + out]; // at y's offset, as Check.close reads both
        for (int i = 0; i < out; i++) {
            double v = conv[i] + (r == null ? 0 : (double) r[3 + i]);
            e[5 + i] = (float) Math.min(Math.max(v, clamp.lo()), clamp.hi());
            if (r != null) scale[i] += Math.abs(r[3 + i]);
        }
        PreparedConv2d p = ConvPlanner.prepareForward(a, d, w, 0, b, 0, clamp);
        float[] y = Check.random(25, out + 5); // garbage: overwritten
        Tensor yt = Tensor.wrap(y, 5, Layout.NHWC, d.outputShape());
        for (int rep = 0; rep < 2; rep++) { // twice: nothing may depend on per-call state
            p.forward(Tensor.wrap(x, 0, Layout.NHWC, d.inputShape()),
                    r == null ? null : Tensor.wrap(r, 3, Layout.NHWC, d.outputShape()), yt);
            Check.close(a.id() + " prepared " + clamp + (r != null ? " +residual" : "") + " threads " + threads + " "
                    + d.shapeString(), e, y, 5, out, 1, out, scale, ConvChecks.tol(d.kH() * d.kW() * d.inCPerGroup() + 2));
        }
    }

    /**
     * Windows that read no padding (1x1 stride 2, 3x3 pad 0) with fewer images than threads: the implicit GEMM reads
     * the input in place. Batch 1-3 on 1-3 threads against the reference, the same bits for every thread count.
     */
    @Test
    void implicitGemmReadsUnpaddedInputInPlace() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar mode: no implicit GEMM");
        Conv2dDesc[] shapes = {Conv2dDesc.of(1, 14, 14, 20, 40, 1, 2, 0), Conv2dDesc.of(1, 9, 11, 8, 24, 3, 1, 0),
                Conv2dDesc.of(1, 11, 9, 3, 16, 3, 2, 0), new Conv2dDesc(1, 10, 12, 17, 33, 3, 3, 2, 1, 0, 0, 0, 0, 1, 1, 1)};
        for (Conv2dDesc s : shapes) {
            for (int batch = 1; batch <= 3; batch++) {
                Conv2dDesc d = new Conv2dDesc(batch, s.inH(), s.inW(), s.inC(), s.outC(), s.kH(), s.kW(), s.strideH(),
                        s.strideW(), 0, 0, 0, 0, 1, 1, 1);
                if (ConvAlgo.IMPLICIT_GEMM.rejects(d, ConvPass.FORWARD) != null) continue;
                float[] first = null;
                for (int threads = 1; threads <= 3; threads++) {
                    Parallel.setThreads(threads);
                    check(ConvAlgo.IMPLICIT_GEMM, d, Clamp.RELU, true, true, threads);
                    float[] x = Check.random(21, ConvChecks.inSize(d)), w = Check.random(22, ConvChecks.wSize(d));
                    float[] y = new float[ConvChecks.outSize(d)];
                    ConvPlanner.forward(ConvAlgo.IMPLICIT_GEMM, d, x, 0, w, 0, null, 0, y, 0);
                    if (first == null) first = y;
                    else assertArrayEquals(first, y, threads + " threads vs 1: " + d.shapeString());
                }
            }
        }
    }

    @Test
    void keepsItsOwnCopyOfTheWeights() {
        Conv2dDesc d = Conv2dDesc.of(1, 8, 8, 16, 16, 3, 1, 1);
        float[] x = Check.random(1, ConvChecks.inSize(d)), w = Check.random(2, ConvChecks.wSize(d)), b = Check.random(3, 16);
        for (ConvAlgo a : ConvAlgo.values()) {
            if (a != ConvAlgo.AUTO && a.impl.rejects(d, ConvPass.FORWARD) != null) continue;
            float[] wc = w.clone(), bc = b.clone();
            PreparedConv2d p = ConvPlanner.prepareForward(a, d, wc, 0, bc, 0, Clamp.NONE);
            java.util.Arrays.fill(wc, 0f);
            java.util.Arrays.fill(bc, 0f);
            Tensor y = Tensor.zeros(Layout.NHWC, d.outputShape()), yRef = Tensor.zeros(Layout.NHWC, d.outputShape());
            p.forward(Tensor.wrap(x, 0, Layout.NHWC, d.inputShape()), null, y);
            ConvPlanner.forward(a, d, x, 0, w, 0, b, 0, yRef.data(), 0);
            assertArrayEquals(yRef.data(), y.data(), a.id());
        }
    }

    @Test
    void backendPicksThePlannersImplementation() {
        for (Conv2dDesc d : cases()) {
            PreparedConv2d p = new CpuBackend().prepareConv2dForward(d, Tensor.zeros(d.weightShape()), null, Clamp.RELU);
            assertEquals(ConvPlanner.plan(d, ConvPass.FORWARD).id(), p.id(), d.shapeString());
        }
    }

    @Test
    void rejectsWrongShapesAndOverlap() {
        Conv2dDesc d = Conv2dDesc.of(1, 6, 6, 16, 16, 3, 1, 1);
        PreparedConv2d p = ConvPlanner.prepareForward(d, new float[ConvChecks.wSize(d)], 0, null, 0, Clamp.NONE);
        Tensor x = Tensor.zeros(Layout.NHWC, d.inputShape()), y = Tensor.zeros(Layout.NHWC, d.outputShape());
        assertThrows(IllegalArgumentException.class, () -> p.forward(Tensor.zeros(Layout.NHWC, 1, 6, 6, 8), null, y));
        assertThrows(IllegalArgumentException.class, () -> p.forward(x, null, Tensor.zeros(Layout.NHWC, 1, 6, 5, 16)));
        assertThrows(IllegalArgumentException.class, () -> p.forward(x, y, y));
        assertThrows(IllegalArgumentException.class, () -> p.forward(x, Tensor.zeros(Layout.NHWC, 1, 6, 6, 15), y));
        assertThrows(IllegalArgumentException.class,
                () -> ConvPlanner.prepareForward(d, new float[10], 0, null, 0, Clamp.NONE));
        assertThrows(IllegalArgumentException.class, () -> new Clamp(1f, 0f));
    }
}

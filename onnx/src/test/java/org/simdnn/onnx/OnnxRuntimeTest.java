package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.simdnn.kernels.layout.Layouts;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/** Plan decisions (folding, layout, fusion, liveness) and the API, on small models built in the test. */
class OnnxRuntimeTest {

    /** A residual CNN: conv-BN-ReLU, conv-BN + skip, ReLU, max pool, 1x1 conv, flatten, Gemm, softmax. */
    static ModelBuilder residualCnn(long seed, boolean exposeConv) {
        ModelBuilder b = new ModelBuilder(seed).input("x", -1, 3, 8, 8)
                .weight("w1", -0.5f, 0.5f, 8, 3, 3, 3).weight("b1", -0.1f, 0.1f, 8)
                .weight("g1", 0.5f, 1.5f, 8).weight("be1", -0.2f, 0.2f, 8).weight("m1", -0.2f, 0.2f, 8).weight("v1", 0.5f, 2f, 8)
                .weight("w2", -0.3f, 0.3f, 8, 8, 3, 3)
                .weight("g2", 0.5f, 1.5f, 8).weight("be2", -0.2f, 0.2f, 8).weight("m2", -0.2f, 0.2f, 8).weight("v2", 0.5f, 2f, 8)
                .weight("w3", -0.5f, 0.5f, 4, 8, 1, 1).weight("b3", -0.1f, 0.1f, 4)
                .weight("wf", -0.3f, 0.3f, 10, 64).weight("bf", -0.1f, 0.1f, 10)
                .node("Conv", "x,w1,b1", "c1", "pads", new long[] {1, 1, 1, 1})
                .node("BatchNormalization", "c1,g1,be1,m1,v1", "n1")
                .node("Relu", "n1", "r1")
                .node("Conv", "r1,w2", "c2", "pads", new long[] {1, 1, 1, 1})
                .node("BatchNormalization", "c2,g2,be2,m2,v2", "n2", "epsilon", 1e-3f)
                .node("Add", "n2,r1", "s")
                .node("Relu", "s", "r2")
                .node("MaxPool", "r2", "p", "kernel_shape", new long[] {2, 2}, "strides", new long[] {2, 2})
                .node("Conv", "p,w3,b3", "c3")
                .node("Flatten", "c3", "f")
                .node("Gemm", "f,wf,bf", "logits", "transB", 1)
                .node("Softmax", "logits", "prob", "axis", 1)
                .output("prob");
        if (exposeConv) b.output("c1").output("f");
        return b;
    }

    static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) r.nextGaussian();
        return t;
    }

    static void assertClose(Tensor want, Tensor got, double tol) {
        assertArrayEquals(want.shape(), got.shape());
        float[] w = want.toArray(), g = got.toArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], g[i], tol * (1 + Math.abs(w[i])), "element " + i);
        }
    }

    @Test
    void fusedPlanEqualsUnfusedPlan() {
        ModelBuilder mb = residualCnn(1, false);
        OnnxModel fused = mb.load(true), plain = mb.load(false);
        for (int batch : new int[] {1, 3}) {
            Tensor x = random(batch, batch, 3, 8, 8);
            assertClose(plain.run(Map.of("x", x)).get("prob"), fused.run(Map.of("x", x)).get("prob"), 1e-5);
        }
        String d = fused.describe();
        assertTrue(d.contains("fused +Relu") || d.contains("fused RELU"), d);
        assertTrue(d.contains("fused +r1") || d.contains("+r1+RELU"), d); // residual add then ReLU in conv 2's epilogue
        Plan pf = fused.plan(Map.of("x", new int[] {1, 3, 8, 8})), pp = plain.plan(Map.of("x", new int[] {1, 3, 8, 8}));
        assertEquals(pp.steps.size() - 3, pf.steps.size(), "ReLU, Add and ReLU fold into the convolutions\n" + d);
    }

    @Test
    void batchNormFoldsIntoConvAndMatchesTheStandaloneStep() {
        OnnxModel folded = residualCnn(2, false).load(false);
        // Exposing c1 gives it a second reader: its BN cannot fold and runs as its own step.
        OnnxModel standalone = residualCnn(2, true).load(false);
        assertTrue(folded.describe().contains("folded BatchNormalization"), folded.describe());
        assertTrue(standalone.describe().contains("BatchNormalization"), standalone.describe());
        Tensor x = random(7, 2, 3, 8, 8);
        assertClose(standalone.run(Map.of("x", x)).get("prob"), folded.run(Map.of("x", x)).get("prob"), 1e-5);
    }

    @Test
    void flattenOfNhwcFeedsGemmThroughPermutedWeightRows() {
        OnnxModel permuted = residualCnn(3, false).load(true);
        String d = permuted.describe();
        assertTrue(d.contains("weight rows permuted"), d);
        assertFalse(d.contains("Relayout"), "no activation transposes inside the graph:\n" + d);
        // With the flatten also a graph output it must be materialised in NCHW order: one conversion.
        OnnxModel converted = residualCnn(3, true).load(true);
        String dc = converted.describe();
        assertEquals(1, dc.split("Relayout", -1).length - 1, dc);
        assertFalse(dc.contains("weight rows permuted"), dc);
        Tensor x = random(8, 2, 3, 8, 8);
        Map<String, Tensor> a = permuted.run(Map.of("x", x)), b = converted.run(Map.of("x", x));
        assertClose(b.get("prob"), a.get("prob"), 1e-5);
        // The exposed NCHW flatten equals the NHWC conv output transposed.
        Tensor c3 = converted.run(Map.of("x", x), Layout.NHWC).get("c1");
        assertEquals(Layout.NHWC, c3.layout());
        assertClose(Layouts.toNchw(c3), converted.run(Map.of("x", x)).get("c1"), 0);
    }

    @Test
    void globalPoolThenFlattenNeedsNoConversion() {
        ModelBuilder b = new ModelBuilder(4).input("x", 1, 4, 5, 5).weight("w", -1, 1, 6, 4, 3, 3)
                .weight("wf", -1, 1, 6, 3)
                .node("Conv", "x,w", "c").node("GlobalAveragePool", "c", "g").node("Flatten", "g", "f")
                .node("MatMul", "f,wf", "y").output("y");
        String d = b.load(true).describe();
        assertFalse(d.contains("Relayout"), d);
        assertFalse(d.contains("permuted"), "H = W = 1: NHWC and NCHW flatten alike\n" + d);
    }

    @Test
    void reshapeOfNhwcWithSpatialExtentConvertsOnce() {
        ModelBuilder b = new ModelBuilder(5).input("x", 1, 2, 3, 3).weight("w", -1, 1, 4, 2, 1, 1)
                .longs("shape", 1, 4, 9).node("Conv", "x,w", "c").node("Reshape", "c,shape", "r")
                .node("Relu", "r", "y").output("y");
        OnnxModel m = b.load(true);
        assertEquals(1, m.describe().split("Relayout", -1).length - 1, m.describe());
        Tensor x = random(9, 1, 2, 3, 3);
        Tensor y = m.run(Map.of("x", x)).get("y");
        // Reference: the same conv as its own output (NCHW), then ReLU.
        Tensor c = new ModelBuilder(5).input("x", 1, 2, 3, 3).weight("w", -1, 1, 4, 2, 1, 1).node("Conv", "x,w", "c")
                .output("c").load(true).run(Map.of("x", x)).get("c");
        float[] cv = c.toArray(), yv = y.toArray();
        for (int i = 0; i < cv.length; i++) assertEquals(Math.max(0, cv[i]), yv[i], 0f);
    }

    @Test
    void shapeSubgraphFoldsAtLoad() {
        // y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): PyTorch's x.view(x.size(0), -1).
        ModelBuilder b = new ModelBuilder(6).opset(11).input("x", -1, 2, 3, 4).scalar("i0", 0).longs("m1", -1)
                .node("Shape", "x", "s").node("Gather", "s,i0", "n", "axis", 0)
                .node("Unsqueeze", "n", "nu", "axes", new long[] {0})
                .node("Concat", new String[] {"nu", "m1"}, new String[] {"shape"}, "axis", 0)
                .node("Reshape", "x,shape", "r").node("Relu", "r", "y").output("y");
        OnnxModel m = b.load(true);
        Plan plan = m.plan(Map.of("x", new int[] {5, 2, 3, 4}));
        assertEquals(1, plan.steps.size(), "only the ReLU runs:\n" + plan.describe());
        assertArrayEquals(new int[] {5, 24}, plan.outputs.get(0).shape);
        Tensor x = random(1, 5, 2, 3, 4);
        assertArrayEquals(new int[] {5, 24}, m.run(Map.of("x", x)).get("y").shape());
    }

    @Test
    void chainReusesTwoBuffers() {
        ModelBuilder b = new ModelBuilder(7).input("x", 4, 16);
        String prev = "x";
        for (int i = 0; i < 10; i++) {
            b.node(i % 2 == 0 ? "Relu" : "Sigmoid", prev, "a" + i);
            prev = "a" + i;
        }
        b.output(prev);
        Plan plan = b.load(true).plan(Map.of("x", new int[] {4, 16}));
        assertEquals(10, plan.steps.size());
        assertEquals(2, plan.bufferSizes.length, "input and 10 activations share two buffers by liveness");
    }

    @Test
    void residualBranchKeepsItsBufferAlive() {
        // r1 is read by the Add four steps later: its buffer must not be reused before that.
        OnnxModel m = residualCnn(8, false).load(false);
        Tensor x = random(11, 1, 3, 8, 8);
        Tensor once = m.run(Map.of("x", x)).get("prob");
        Tensor twice = m.newSession().run(Map.of("x", x)).get("prob");
        assertClose(once, twice, 0);
        float sum = 0;
        for (float v : once.toArray()) sum += v;
        assertEquals(1f, sum, 1e-5f, "a softmax row sums to 1");
    }

    @Test
    void fourThreadsGetIdenticalResults() throws Exception {
        OnnxModel m = residualCnn(9, false).load(true);
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(random(100 + i, 1 + i % 3, 3, 8, 8));
            expected.add(m.newSession().run(Map.of("x", inputs.get(i))).get("prob"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int rep = 0; rep < 5; rep++) {
                        for (int i = 0; i < inputs.size(); i++) {
                            float[] got = m.run(Map.of("x", inputs.get(i))).get("prob").toArray();
                            if (!java.util.Arrays.equals(expected.get(i).toArray(), got)) return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : fs) assertTrue(f.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void nhwcInputGivesTheSameResult() {
        OnnxModel m = residualCnn(10, false).load(true);
        Tensor x = random(12, 2, 3, 8, 8);
        Tensor viaNhwc = m.run(Map.of("x", Layouts.toNhwc(x))).get("prob");
        assertClose(m.run(Map.of("x", x)).get("prob"), viaNhwc, 0);
    }

    @Test
    void apiReportsInputsOutputsParametersAndFlops() {
        OnnxModel m = residualCnn(11, false).load(true);
        assertEquals(1, m.inputs().size());
        assertArrayEquals(new int[] {-1, 3, 8, 8}, m.inputs().get(0).shape());
        assertEquals("float", m.inputs().get(0).elemType());
        assertEquals("prob", m.outputs().get(0).name());
        // conv1 8*3*9+8 (BN folded in), conv2 8*8*9 + folded bias 8, conv3 4*8+4, gemm 640+10
        assertEquals(8 * 27 + 8 + 8 * 72 + 8 + 36 + 650, m.parameterCount());
        double conv1 = 2.0 * 8 * 8 * 8 * 27, conv2 = 2.0 * 8 * 8 * 8 * 72, conv3 = 2.0 * 4 * 4 * 4 * 8, gemm = 2.0 * 10 * 64;
        assertTrue(m.flops(1) >= conv1 + conv2 + conv3 + gemm && m.flops(1) < 1.1 * (conv1 + conv2 + conv3 + gemm),
                "flops " + m.flops(1));
        assertEquals(m.flops(1) * 4, m.flops(4), m.flops(1) * 0.01);
    }

    @Test
    void badInputsAndModelsFailWithNames() {
        OnnxModel m = residualCnn(12, false).load(true);
        OnnxException e = assertThrows(OnnxException.class, () -> m.run(Map.of("x", Tensor.zeros(1, 4, 8, 8))));
        assertTrue(e.getMessage().contains("[1, 4, 8, 8]") && e.getMessage().contains("[-1, 3, 8, 8]"), e.getMessage());
        e = assertThrows(OnnxException.class, () -> m.run(Map.of()));
        assertTrue(e.getMessage().contains("missing input 'x'"), e.getMessage());

        e = assertThrows(OnnxException.class, () -> new ModelBuilder(1).input("x", 2).node("Foo", "x", "y").output("y").load(true));
        assertTrue(e.getMessage().contains("Foo node 'foo0'") && e.getMessage().contains("supported: ")
                && e.getMessage().contains("Conv"), e.getMessage());
        e = assertThrows(OnnxException.class, () -> new ModelBuilder(1).opset(18).input("x", 2).node("Relu", "x", "y").output("y").load(true));
        assertTrue(e.getMessage().contains("opset 18"), e.getMessage());
        e = assertThrows(OnnxException.class, () -> new ModelBuilder(1).input("x", 2).node("Relu", "x", "y", "alpha", 1f).output("y").load(true));
        assertTrue(e.getMessage().contains("attribute 'alpha'"), e.getMessage());
        e = assertThrows(OnnxException.class, () -> new ModelBuilder(1).input("x", 2).node("Relu", "z", "y").output("y").load(true));
        assertTrue(e.getMessage().contains("'z'"), e.getMessage());
        e = assertThrows(OnnxException.class, () -> new ModelBuilder(1).input("x", 2).node("Add", "x,b", "a").node("Relu", "a", "b")
                .output("b").load(true));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        // Shapes that disagree fail at load, naming node and shapes.
        e = assertThrows(OnnxException.class, () -> new ModelBuilder(1).input("x", 1, 3, 8, 8).weight("w", 0, 1, 4, 2, 3, 3)
                .node("Conv", "x,w", "y").output("y").load(true));
        assertTrue(e.getMessage().contains("Conv node 'conv0'") && e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
    }
}

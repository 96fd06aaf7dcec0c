package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * The scalar form of the CPU backend (the kernels a session runs until the vector ones are warm) against the vector
 * form, on plans with Winograd, 1x1, strided and grouped convolutions, max pooling, fused residuals and clamps,
 * prepared and unprepared GEMMs; and a scalar-first session's switch to the vector kernels.
 */
class ScalarFirstTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    /**
     * KernelEpilogueTest's model plus a depthwise convolution (no scalar form: it runs the vector kernel in both), a
     * padded max pooling and a MatMul of two activations (the unprepared sgemm).
     */
    static ModelBuilder model() {
        return new ModelBuilder(11).input("x", -1, 16, 12, 12)
                .weight("w1", -0.3f, 0.3f, 16, 16, 3, 3).weight("b1", -0.2f, 0.2f, 16)
                .floats("lo", new float[] {0f}).floats("hi", new float[] {1.5f})
                .weight("w2", -0.2f, 0.2f, 16, 16, 3, 3)
                .weight("wd", -0.5f, 0.5f, 16, 1, 3, 3)
                .weight("w3", -0.4f, 0.4f, 32, 16, 1, 1).weight("b3", -0.1f, 0.1f, 32)
                .weight("w4", -0.3f, 0.3f, 8, 32, 3, 3).weight("b4", -0.1f, 0.1f, 8)
                .weight("wf", -0.05f, 0.05f, 40, 8 * 6 * 6).weight("bf", -0.1f, 0.1f, 40)
                .weight("wg", -0.3f, 0.3f, 40, 40).weight("bg", -0.1f, 0.1f, 40)
                .node("Conv", "x,w1,b1", "c1", "pads", new long[] {1, 1, 1, 1})
                .node("Clip", "c1,lo,hi", "r1")
                .node("Conv", "r1,w2", "c2", "pads", new long[] {1, 1, 1, 1})
                .node("Add", "c2,r1", "s2")
                .node("Relu", "s2", "r2")
                .node("Conv", "r2,wd", "d2", "pads", new long[] {1, 1, 1, 1}, "group", 16L)
                .node("MaxPool", "d2", "p2", "kernel_shape", new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1})
                .node("Conv", "p2,w3,b3", "c3")
                .node("Relu", "c3", "r3")
                .node("Conv", "r3,w4,b4", "c4", "pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2})
                .node("Flatten", "c4", "f")
                .node("Gemm", "f,wf,bf", "g1", "transB", 1)
                .node("Relu", "g1", "h1")
                .node("Gemm", "h1,wg,bg", "g2", "transB", 1)
                .node("Transpose", "g2", "g2t", "perm", new long[] {1, 0})
                .node("MatMul", "g2,g2t", "sq")
                .node("Add", "g2,h1", "out")
                .output("out").output("sq");
    }

    @Test
    void scalarFormAgreesWithVectorForm() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar JVM: the backend is its own scalar form");
        Backend be = Backends.get();
        assertEquals("cpu-scalar", be.scalar().name());
        OnnxModel m = model().load(true);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int batch : new int[] {1, 5}) {
                Map<String, Tensor> in = Map.of("x", OnnxRuntimeTest.random(batch * 10 + threads, batch, 16, 12, 12));
                try (OnnxSession vector = new OnnxSession(m, be, false);
                     OnnxSession scalar = new OnnxSession(m, be.scalar(), false)) {
                    Map<String, Tensor> want = vector.run(in), got = scalar.run(in);
                    assertEquals("cpu", vector.runsOn());
                    assertEquals("cpu-scalar", scalar.runsOn());
                    for (String out : new String[] {"out", "sq"}) {
                        OnnxRuntimeTest.assertClose(want.get(out), got.get(out), 1e-4);
                    }
                }
            }
        }
    }

    @Test
    void scalarFirstSessionSwitchesToTheVectorKernels() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar JVM: nothing to switch");
        OnnxModel m = model().load(true);
        Map<String, Tensor> in = Map.of("x", OnnxRuntimeTest.random(3, 1, 16, 12, 12));
        Map<String, Tensor> want = m.newSession(false).run(in);
        try (OnnxSession s = m.newSession(true)) {
            boolean warmBefore = WarmUp.done();
            Map<String, Tensor> first = s.run(in);
            // A JVM whose warm-up is done (another test ran one) binds the vector kernels at once.
            assertEquals(warmBefore ? "cpu" : "cpu-scalar", s.runsOn());
            OnnxRuntimeTest.assertClose(want.get("out"), first.get("out"), 1e-4);
            s.awaitVectorKernels();
            assertEquals(true, WarmUp.done());
            Map<String, Tensor> later = s.run(in);
            assertEquals("cpu", s.runsOn());
            OnnxRuntimeTest.assertClose(want.get("out"), later.get("out"), 0);
            OnnxRuntimeTest.assertClose(want.get("sq"), later.get("sq"), 0);
            try (OnnxSession next = m.newSession(true)) {
                next.run(in);
                assertEquals("cpu", next.runsOn(), "after the warm-up, sessions bind the vector kernels");
            }
        }
    }
}

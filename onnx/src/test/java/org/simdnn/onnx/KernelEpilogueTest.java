package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.tensor.Tensor;

/**
 * Fusions that run in the kernels' store loops (conv + bias + Clip, conv + residual Add + ReLU on the Winograd
 * and 1x1 paths, Gemm + bias + ReLU, Gemm + residual Add on the panel and blocked GEMM paths) against the
 * unfused plan, at batch 1 (split inside layers on two threads) and batch 9; and a steady-state call that
 * allocates no buffers.
 */
class KernelEpilogueTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    /** 16 channels at 12x12: the 3x3 convolutions take Winograd, the 1x1 the pointwise GEMM. */
    static ModelBuilder model() {
        return new ModelBuilder(5).input("x", -1, 16, 12, 12)
                .weight("w1", -0.3f, 0.3f, 16, 16, 3, 3).weight("b1", -0.2f, 0.2f, 16)
                .floats("lo", new float[] {0f}).floats("hi", new float[] {1.5f})
                .weight("w2", -0.2f, 0.2f, 16, 16, 3, 3)
                .weight("w3", -0.4f, 0.4f, 32, 16, 1, 1).weight("b3", -0.1f, 0.1f, 32)
                .weight("w4", -0.3f, 0.3f, 8, 32, 3, 3).weight("b4", -0.1f, 0.1f, 8)
                .weight("wf", -0.05f, 0.05f, 40, 8 * 6 * 6).weight("bf", -0.1f, 0.1f, 40)
                .weight("wg", -0.3f, 0.3f, 40, 40).weight("bg", -0.1f, 0.1f, 40)
                .node("Conv", "x,w1,b1", "c1", "pads", new long[] {1, 1, 1, 1})
                .node("Clip", "c1,lo,hi", "r1")
                .node("Conv", "r1,w2", "c2", "pads", new long[] {1, 1, 1, 1})
                .node("Add", "c2,r1", "s2")
                .node("Relu", "s2", "r2")
                .node("Conv", "r2,w3,b3", "c3")
                .node("Relu", "c3", "r3")
                .node("Conv", "r3,w4,b4", "c4", "pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2})
                .node("Flatten", "c4", "f")
                .node("Gemm", "f,wf,bf", "g1", "transB", 1)
                .node("Relu", "g1", "h1")
                .node("Gemm", "h1,wg,bg", "g2", "transB", 1)
                .node("Add", "g2,h1", "out")
                .output("out");
    }

    @Test
    void fusedPlanMatchesUnfusedOnOneAndTwoThreads() {
        OnnxModel fused = model().load(true), plain = model().load(false);
        String d = fused.describe();
        assertTrue(d.contains("winograd"), d);
        assertTrue(d.contains("fused Clip(0.0, 1.5)") && d.contains("fused +r1+RELU") && d.contains("fused +h1"), d);
        assertEquals(plain.describe().split("\n").length - 6, d.split("\n").length, "Clip, Add, Relu, Relu, Relu, Add fold\n" + d);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int batch : new int[] {1, 9}) {
                Tensor x = OnnxRuntimeTest.random(batch * 10 + threads, batch, 16, 12, 12);
                OnnxRuntimeTest.assertClose(plain.newSession().run(Map.of("x", x)).get("out"),
                        fused.newSession().run(Map.of("x", x)).get("out"), 2e-5);
            }
        }
    }

    @Test
    void steadyStateCallsAllocateNothing() {
        OnnxModel m = model().load(true);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            try (OnnxSession s = m.newSession()) {
                Map<String, Tensor> in = Map.of("x", OnnxRuntimeTest.random(3, 1, 16, 12, 12));
                Map<String, Tensor> out = new LinkedHashMap<>();
                out.put("out", Tensor.zeros(1, 40));
                // Plan, bind, and C2: until the kernels are compiled the Vector API boxes every vector.
                for (int i = 0; i < 6000; i++) s.run(in, out);
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long t = Thread.currentThread().threadId(), perCall = Long.MAX_VALUE;
                // The least of several rounds: on a loaded host C2 may still be compiling after the warm-up, and
                // a real per-call allocation shows in every round.
                for (int round = 0; round < 20 && perCall > 2048; round++) {
                    long before = mx.getThreadAllocatedBytes(t);
                    int calls = 500;
                    for (int i = 0; i < calls; i++) s.run(in, out);
                    perCall = Math.min(perCall, (mx.getThreadAllocatedBytes(t) - before) / calls);
                }
                System.out.println(perCall + " bytes per call on " + threads + " threads");
                // The budget covers the kernels' parallel bodies, capturing lambdas of ~100 bytes per layer (800
                // bytes a call measured on one thread), not buffers: one activation of this model is 9 KiB.
                assertTrue(perCall <= 2048, perCall + " bytes allocated per call on " + threads + " threads");
                Tensor want = m.newSession().run(in).get("out");
                OnnxRuntimeTest.assertClose(want, out.get("out"), 0);
            }
        }
    }
}

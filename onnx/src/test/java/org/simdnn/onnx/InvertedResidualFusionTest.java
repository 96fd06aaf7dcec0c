package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Inverted-residual blocks fused into one step ({@link Fusion#blocks}, {@link BlockStep}) against the unfused plan on
 * random inputs: a block with expansion and residual, a stride-2 block without residual whose projection then feeds
 * a block without expansion, and a block the kernel declines (expanded channels not in whole vectors), at batch 1
 * to 3 on 1 and 2 threads; and a steady-state call that allocates nothing.
 */
class InvertedResidualFusionTest {
    private static final int L = CpuInfo.VECTOR_BITS / 32;
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    /** 8 channels at 13x11 in; 2L, 3L and 2L expanded channels; a last block on L + 1 channels stays unfused. */
    static ModelBuilder model() {
        int l = Math.max(L, 4), c1 = 2 * l, c2 = 3 * l, c3 = 2 * l, odd = l + 1;
        return new ModelBuilder(11).input("x", -1, 8, 13, 11)
                .floats("lo", new float[] {0f}).floats("hi", new float[] {6f})
                // block 1: 8 -> c1 -> 8, stride 1, residual
                .weight("e1", -0.4f, 0.4f, c1, 8, 1, 1).weight("eb1", -0.2f, 0.2f, c1)
                .weight("d1", -0.5f, 0.5f, c1, 1, 3, 3).weight("db1", -0.2f, 0.2f, c1)
                .weight("p1", -0.3f, 0.3f, 8, c1, 1, 1).weight("pb1", -0.1f, 0.1f, 8)
                .node("Conv", "x,e1,eb1", "ec1").node("Clip", "ec1,lo,hi", "er1")
                .node("Conv", "er1,d1,db1", "dc1", "pads", new long[] {1, 1, 1, 1}, "group", (long) c1)
                .node("Clip", "dc1,lo,hi", "dr1")
                .node("Conv", "dr1,p1,pb1", "pc1").node("Add", "x,pc1", "b1")
                // block 2: 8 -> c2 -> c3, stride 2, no residual
                .weight("e2", -0.4f, 0.4f, c2, 8, 1, 1).weight("eb2", -0.2f, 0.2f, c2)
                .weight("d2", -0.5f, 0.5f, c2, 1, 3, 3).weight("db2", -0.2f, 0.2f, c2)
                .weight("p2", -0.3f, 0.3f, c3, c2, 1, 1)
                .node("Conv", "b1,e2,eb2", "ec2").node("Clip", "ec2,lo,hi", "er2")
                .node("Conv", "er2,d2,db2", "dc2", "pads", new long[] {1, 1, 1, 1}, "strides", new long[] {2, 2},
                        "group", (long) c2)
                .node("Clip", "dc2,lo,hi", "dr2")
                .node("Conv", "dr2,p2", "b2")
                // block 3: no expansion (its input is block 2's output), c3 -> odd, ReLU at the end
                .weight("d3", -0.5f, 0.5f, c3, 1, 3, 3).weight("db3", -0.2f, 0.2f, c3)
                .weight("p3", -0.3f, 0.3f, odd, c3, 1, 1).weight("pb3", -0.1f, 0.1f, odd)
                .node("Conv", "b2,d3,db3", "dc3", "pads", new long[] {1, 1, 1, 1}, "group", (long) c3)
                .node("Relu", "dc3", "dr3")
                .node("Conv", "dr3,p3,pb3", "pc3").node("Relu", "pc3", "b3")
                // block 4: expanded channels not in whole vectors, declined by the kernel
                .weight("e4", -0.4f, 0.4f, odd, odd, 1, 1)
                .weight("d4", -0.5f, 0.5f, odd, 1, 3, 3)
                .weight("p4", -0.3f, 0.3f, odd, odd, 1, 1)
                .node("Conv", "b3,e4", "ec4").node("Relu", "ec4", "er4")
                .node("Conv", "er4,d4", "dc4", "pads", new long[] {1, 1, 1, 1}, "group", (long) odd)
                .node("Relu", "dc4", "dr4")
                .node("Conv", "dr4,p4", "pc4").node("Add", "b3,pc4", "out")
                .output("out");
    }

    @Test
    void fusedBlocksMatchTheUnfusedPlan() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar mode: the backend runs the layers one by one");
        OnnxModel fused = model().load(true), plain = model().load(false);
        String d = fused.describe();
        assertEquals(3, count(d, "InvertedResidual"), d);
        assertTrue(d.contains("f32-conv-nhwc-inverted-residual"), d);
        assertFalse(plain.describe().contains("InvertedResidual"), plain.describe());
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int batch = 1; batch <= 3; batch++) {
                Tensor x = OnnxRuntimeTest.random(batch * 10 + threads, batch, 8, 13, 11);
                OnnxRuntimeTest.assertClose(plain.newSession().run(Map.of("x", x)).get("out"),
                        fused.newSession().run(Map.of("x", x)).get("out"), 2e-5);
            }
        }
    }

    @Test
    void steadyStateCallsAllocateNothing() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar mode");
        boolean ok = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                && b.isThreadAllocatedMemorySupported();
        assumeTrue(ok, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OnnxModel m = model().load(true);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            try (OnnxSession s = m.newSession()) {
                Map<String, Tensor> in = Map.of("x", OnnxRuntimeTest.random(3, 1, 8, 13, 11));
                Map<String, Tensor> out = new LinkedHashMap<>();
                out.put("out", Tensor.zeros(Layout.NHWC, 1, 7, 6, Math.max(L, 4) + 1));
                long start = System.nanoTime();
                double perCall;
                do { // until C2 has compiled the kernels, within a deadline
                    s.run(in, out);
                    long[] ids = countedThreads();
                    long[] before = mx.getThreadAllocatedBytes(ids);
                    int calls = 200;
                    for (int i = 0; i < calls; i++) s.run(in, out);
                    long[] after = mx.getThreadAllocatedBytes(ids);
                    long bytes = 0;
                    for (int i = 0; i < ids.length; i++) if (before[i] >= 0 && after[i] >= 0) bytes += after[i] - before[i];
                    perCall = (double) bytes / calls;
                } while (perCall > 16 && System.nanoTime() - start < 120_000_000_000L);
                assertTrue(perCall <= 16, perCall + " bytes allocated per call on " + threads + " threads");
                OnnxRuntimeTest.assertClose(m.newSession().run(in, Layout.NHWC).get("out"), out.get("out"), 0);
            }
        }
    }

    private static long[] countedThreads() {
        List<Long> ids = new ArrayList<>(List.of(Thread.currentThread().threadId()));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("simdnn-kernel-")) ids.add(t.threadId());
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}

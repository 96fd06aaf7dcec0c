package org.simdnn.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.train.Models;
import org.simdnn.onnx.OnnxModel;
import org.simdnn.onnx.OnnxSession;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * The serving loop of an edge process, {@link OnnxSession#run(Map, Map)} into an output tensor made once, allocates
 * nothing per call once the JIT has compiled it: the reference CNN at batch 1, on 1 and 2 kernel threads, bytes
 * counted on the calling thread and the kernel threads (ThreadMXBean's per-thread counter). Until C2 has compiled
 * the Vector API kernels every vector is an object, so the calls run in windows until one stays under the bound,
 * within a deadline. The session starts scalar first, as an application's does by default: the bound holds once it
 * has switched to the vector kernels.
 */
class SteadyStateAllocationTest {
    /** Bytes per call allowed: room for a stray object per window, none per call. */
    private static final double BOUND = 16;
    private static final int WINDOW = 200;
    private static final long DEADLINE_NANOS = 120_000_000_000L;

    @Test
    void referenceCnnAtBatchOneAllocatesNothingPerCall() {
        com.sun.management.ThreadMXBean bean = allocationCounter();
        OnnxModel model = OnnxModel.load(
                OnnxExport.toProto(ExportTest.randomized(Models.cnn(1), 7), 28, 28, 1).toByteArray(), null);
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                steadyState(bean, model, threads);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static void steadyState(com.sun.management.ThreadMXBean bean, OnnxModel model, int threads) {
        Tensor x = Tensor.zeros(Layout.NCHW, 1, 1, 28, 28);
        fill(x, 1);
        Map<String, Tensor> in = Map.of(OnnxExport.INPUT, x);
        Tensor y = Tensor.zeros(1, 10);
        Map<String, Tensor> out = Map.of(OnnxExport.OUTPUT, y);
        try (OnnxSession s = model.newSession(true)) {
            long start = System.nanoTime();
            double perCall;
            do {
                s.run(in, out); // starts the kernel threads before they are counted
                long[] ids = countedThreads();
                long[] before = bean.getThreadAllocatedBytes(ids);
                for (int i = 0; i < WINDOW; i++) s.run(in, out);
                long[] after = bean.getThreadAllocatedBytes(ids);
                long bytes = 0;
                for (int i = 0; i < ids.length; i++) {
                    if (before[i] >= 0 && after[i] >= 0) bytes += after[i] - before[i];
                }
                perCall = (double) bytes / WINDOW;
                if (System.nanoTime() - start > DEADLINE_NANOS) {
                    fail(String.format("reference CNN, batch 1, %d thread(s): %.1f bytes per call after %d s (bound %.0f)",
                            threads, perCall, DEADLINE_NANOS / 1_000_000_000L, BOUND));
                }
            } while (perCall > BOUND);
            // The bound steps read the inputs' current contents and write the given output.
            fill(x, 2);
            s.run(in, out);
            assertArrayEquals(model.run(in).get(OnnxExport.OUTPUT).data(), y.data(), 1e-5f);
        }
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        boolean ok = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                && b.isThreadAllocatedMemorySupported();
        assumeTrue(ok, "this JVM has no per-thread allocation counter (com.sun.management.ThreadMXBean)");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!bean.isThreadAllocatedMemoryEnabled()) bean.setThreadAllocatedMemoryEnabled(true);
        return bean;
    }

    /** The calling thread and the kernel threads ({@code simdnn-kernel-i}). */
    private static long[] countedThreads() {
        List<Long> ids = new ArrayList<>(List.of(Thread.currentThread().threadId()));
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("simdnn-kernel-")) ids.add(t.threadId());
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static void fill(Tensor t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
    }
}

package org.simdnn.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The low-latency hand-off: every index exactly once, each range id once per call, errors, nesting. */
class ParallelTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    @Test
    void coversEveryIndexOnceWithValidWorkerIds() {
        for (int threads : new int[] {1, 2, 3, 4}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 2, 3, 7, 100, 1001}) {
                for (int grain : new int[] {1, 3, 50}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    int ranges = Math.min(threads, Math.max(1, n / grain));
                    AtomicInteger calls = new AtomicInteger();
                    for (int rep = 0; rep < 20; rep++) {
                        AtomicIntegerArray ids = new AtomicIntegerArray(ranges);
                        Parallel.forRange(n, grain, (w, from, to) -> {
                            assertTrue(w >= 0 && w < ranges, "worker " + w + " of " + ranges);
                            assertEquals(1, ids.incrementAndGet(w), "worker id " + w + " used twice in one call");
                            assertTrue(to - from >= Math.min(n, grain) || ranges == 1, "range too small");
                            calls.incrementAndGet();
                            for (int i = from; i < to; i++) hits.incrementAndGet(i);
                        });
                    }
                    for (int i = 0; i < n; i++) assertEquals(20, hits.get(i), "index " + i + " n=" + n);
                    assertTrue(calls.get() <= 20 * ranges);
                }
            }
        }
    }

    @Test
    void rethrowsTheBodysException() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException got = assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, 1, (w, f, t) -> {
            if (f > 0) throw boom;
        }));
        assertSame(boom, got);
        // The pool is usable afterwards.
        AtomicInteger sum = new AtomicInteger();
        Parallel.forRange(10, 1, (w, f, t) -> sum.addAndGet(t - f));
        assertEquals(10, sum.get());
    }

    @Test
    void nestedCallsRunOnTheirCaller() {
        Parallel.setThreads(2);
        AtomicInteger sum = new AtomicInteger();
        Parallel.forRange(4, 1, (w, f, t) -> Parallel.forRange(100, 1, (w2, f2, t2) -> {
            assertEquals(0, w2);
            sum.addAndGet(t2 - f2);
        }));
        assertEquals(200, sum.get());
    }

    @Test
    void concurrentCallersAllComplete() throws InterruptedException {
        Parallel.setThreads(2);
        AtomicInteger sum = new AtomicInteger();
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> {
                for (int r = 0; r < 200; r++) Parallel.forRange(64, 1, (w, f, t) -> sum.addAndGet(t - f));
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        assertEquals(4 * 200 * 64, sum.get());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(-1, 1, (w, f, t) -> { }));
    }
}

package org.simdnn.kernels.cpu;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernels' parallelism. Threads belong to the host: the thread count is set by the caller
 * ({@link #setThreads}, or {@code -Dsimdnn.threads=N}; default = available processors) and a kernel splits
 * its work into at most that many ranges. The calling thread always runs one range itself, so one thread
 * means no hand-off at all.
 *
 * <p>(Foundation version: an executor hand-off. The GEMM work replaces the body with a low-latency one; the
 * API stays.)
 */
public final class Parallel {
    /** A body over [from, to) run by thread {@code worker} (0 = the caller). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int worker, int from, int to);
    }

    private static volatile int threads = Integer.getInteger("simdnn.threads", Runtime.getRuntime().availableProcessors());
    private static volatile ExecutorService pool;
    private static final AtomicInteger NAMES = new AtomicInteger();

    private Parallel() {}

    public static int threads() { return threads; }

    /** Sets how many threads kernels use (including the caller's). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        threads = n;
    }

    /**
     * Splits [0, n) into at most {@link #threads()} contiguous ranges (none smaller than {@code grain}) and runs
     * {@code body} on each; returns when all are done. Exceptions from any range are rethrown.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int t = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (t <= 1) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        ExecutorService p = pool();
        @SuppressWarnings("unchecked")
        Future<?>[] fs = new Future<?>[t - 1];
        for (int w = 1; w < t; w++) {
            int from = (int) ((long) n * w / t), to = (int) ((long) n * (w + 1) / t), worker = w;
            fs[w - 1] = p.submit(() -> body.run(worker, from, to));
        }
        body.run(0, 0, (int) ((long) n / t));
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for kernel threads", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof Error er) throw er;
                throw new IllegalStateException(c);
            }
        }
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) {
                    pool = Executors.newCachedThreadPool(r -> {
                        Thread th = new Thread(r, "simdnn-kernel-" + NAMES.incrementAndGet());
                        th.setDaemon(true);
                        return th;
                    });
                }
                p = pool;
            }
        }
        return p;
    }
}

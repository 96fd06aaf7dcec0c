package org.simdnn.kernels.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernels' parallelism. Threads belong to the host: the thread count is set by the caller
 * ({@link #setThreads}, or {@code -Dsimdnn.threads=N}; default = available processors) and a kernel splits
 * its work into at most that many ranges. The calling thread always runs ranges itself, so one thread means
 * no hand-off at all.
 *
 * <p>Hand-off. An executor costs tens of microseconds per task, which made a 2-thread 64x64 GEMM seven times
 * slower than one thread. Here {@code threads() - 1} daemon workers ({@code simdnn-kernel-i}) wait on one shared
 * job slot: after each job a worker spins ({@link Thread#onSpinWait}) for {@code -Dsimdnn.spinMicros} (default
 * 100 µs), then parks; the caller unparks parked workers when it posts. Ranges are <em>claimed</em>
 * (compare-and-set), not assigned: the caller claims ranges too, so if a worker is descheduled (another process
 * holds the core) the caller runs its range and the call degrades to one thread instead of waiting for it.
 *
 * <p>One job at a time: a {@code forRange} issued while the workers are busy (a second application thread, or
 * a nested call from inside a body) runs on its caller's thread alone, so kernels never oversubscribe the cores
 * beyond {@code threads()}.
 */
public final class Parallel {
    /**
     * A body over [from, to). {@code worker} is the index of the range, in [0, number of ranges): each index is
     * used by exactly one call, so it can index per-range scratch, whichever thread runs it. Do not reduce into
     * per-range partial sums: the number of ranges follows the thread count and drops to one when the workers
     * are busy, so the summation order would too. Reductions split a fixed number of chunks instead
     * (docs/architecture.md, "Determinism").
     */
    @FunctionalInterface
    public interface RangeBody {
        void run(int worker, int from, int to);
    }

    private static volatile int threads = Integer.getInteger("simdnn.threads", Runtime.getRuntime().availableProcessors());
    private static final long SPIN_NANOS = Long.getLong("simdnn.spinMicros", 100) * 1000L;

    /** Held by the thread whose job occupies the workers. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** generation (32 bits) | ranges (16 bits) | next unclaimed range (16 bits); its writes publish the job. */
    private static final AtomicLong CLAIM = new AtomicLong();
    private static final AtomicInteger DONE = new AtomicInteger();
    private static final Object WORKERS_LOCK = new Object();
    private static volatile Worker[] workers = new Worker[0];
    // The job: written by the owner before CLAIM publishes it, read by claimers after a successful claim.
    private static RangeBody body;
    private static int jobN;
    private static volatile Throwable failure;
    private static long generation;

    private Parallel() {}

    public static int threads() { return threads; }

    /** Sets how many threads kernels use (including the caller's). */
    public static void setThreads(int n) {
        if (n < 1 || n > 0x7fff) throw new IllegalArgumentException("thread count must be in [1, 32767], got " + n);
        threads = n;
    }

    /**
     * Splits [0, n) into at most {@link #threads()} contiguous ranges (none smaller than {@code grain}) and runs
     * {@code body} on each; returns when all are done. Exceptions from any range are rethrown (the first one).
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n < 0) throw new IllegalArgumentException("forRange size must be >= 0, got " + n);
        int t = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (t <= 1 || !BUSY.compareAndSet(false, true)) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        try {
            Worker[] ws = workers(t - 1);
            Parallel.body = body;
            jobN = n;
            failure = null;
            DONE.set(0);
            long g = (++generation) & 0xffffffffL;
            CLAIM.set(g << 32 | (long) t << 16);
            for (int i = 0; i < t - 1; i++) {
                if (ws[i].parked) LockSupport.unpark(ws[i]);
            }
            claimAndRun(g);
            long start = System.nanoTime();
            while (DONE.get() < t) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
            Throwable f = failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error er) throw er;
                throw new IllegalStateException("kernel thread failed", f);
            }
        } finally {
            Parallel.body = null;
            BUSY.set(false);
        }
    }

    /** Claims ranges of job {@code g} until none is left; a range's index is its {@code worker} argument. */
    private static void claimAndRun(long g) {
        while (true) {
            long cl = CLAIM.get();
            int t = (int) (cl >>> 16) & 0xffff, next = (int) cl & 0xffff;
            if ((cl >>> 32) != g || next >= t) return;
            if (!CLAIM.compareAndSet(cl, cl + 1)) continue;
            int n = jobN;
            try {
                Parallel.body.run(next, (int) ((long) n * next / t), (int) ((long) n * (next + 1) / t));
            } catch (Throwable e) {
                if (failure == null) failure = e;
            } finally {
                DONE.incrementAndGet();
            }
        }
    }

    private static Worker[] workers(int count) {
        Worker[] ws = workers;
        if (ws.length >= count) return ws;
        synchronized (WORKERS_LOCK) {
            ws = workers;
            if (ws.length < count) {
                Worker[] grown = java.util.Arrays.copyOf(ws, count);
                for (int i = ws.length; i < count; i++) {
                    grown[i] = new Worker(i + 1);
                    grown[i].start();
                }
                workers = ws = grown;
            }
            return ws;
        }
    }

    private static final class Worker extends Thread {
        private final int index;
        volatile boolean parked;

        Worker(int index) {
            super("simdnn-kernel-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = CLAIM.get() >>> 32;
            long idleSince = System.nanoTime();
            while (true) {
                long cl = CLAIM.get(), g = cl >>> 32;
                if (g != seen) {
                    seen = g;
                    if (index < ((int) (cl >>> 16) & 0xffff)) claimAndRun(g);
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    // Re-check after publishing "parked": the poster either sees parked or we see its job.
                    if ((CLAIM.get() >>> 32) == seen) LockSupport.park(this);
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}

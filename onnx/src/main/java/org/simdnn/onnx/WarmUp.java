package org.simdnn.onnx;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.simdnn.ops.Backend;

/**
 * The JVM's one warm-up of the vector kernels, for sessions that run scalar first ({@link OnnxSession}).
 *
 * <p>C2 compiles a method after thousands of calls or loop iterations; until then a Vector API kernel runs in the
 * interpreter or C1 with every vector an object, 100x below its steady state (the reference CNN's first call at
 * batch 1 took 0.40 s where the steady state takes 0.2 ms). The warm-up binds the plan of the session's first call
 * to its vector kernels on an arena of its own, fills the inputs with standard-normal values and runs it on a daemon
 * thread ({@code simdnn-warm-up}), timing windows of at least {@link #WINDOW_CALLS} calls and
 * {@link #WINDOW_NANOS}. It is done when {@link #STALE_WINDOWS} windows in a row have not cut the best window
 * median by {@link #GAIN} and that median is below the fastest scalar call seen (or four times as many windows
 * have passed: on a model too small for vectors to pay, the scalar form stays faster), or after
 * {@link #DEADLINE_NANOS} (a kernel C2 never compiles).
 * Sessions then rebind their plans to the vector kernels, and later sessions bind them directly: what the JIT has
 * compiled serves every plan, so the warm-up runs once per JVM, on the first plan that needed it (a later model
 * whose kernels that plan did not use compiles them on its first calls, as without scalar first).
 */
final class WarmUp implements Runnable {
    static final int WINDOW_CALLS = 5;
    static final long WINDOW_NANOS = 50_000_000L;
    static final int STALE_WINDOWS = 3;
    static final double GAIN = 0.9;
    static final long DEADLINE_NANOS = 60_000_000_000L;

    private static final Object LOCK = new Object();
    private static volatile WarmUp started; // written under LOCK
    private static volatile boolean done;
    private static volatile Throwable failure;
    /** The fastest call of a scalar-bound plan, per plan warmed: what the vector form must beat. */
    private static volatile long scalarNanos = Long.MAX_VALUE;
    private static final CountDownLatch FINISHED = new CountDownLatch(1);

    private final Plan plan;
    private final Backend backend;
    /** Calls run and the last window's median, for {@link #describe}. */
    private volatile int calls;
    private volatile long medianNanos, elapsedNanos;

    private WarmUp(Plan plan, Backend backend) {
        this.plan = plan;
        this.backend = backend;
    }

    /** Whether the vector kernels are warm: sessions bind them from now on. */
    static boolean done() { return done; }

    /** Starts the warm-up on {@code plan} bound to {@code backend}, unless one has started. */
    static void start(Plan plan, Backend backend) {
        if (started != null) return;
        synchronized (LOCK) {
            if (started != null) return;
            WarmUp w = new WarmUp(plan, backend);
            Thread t = new Thread(w, "simdnn-warm-up");
            t.setDaemon(true);
            started = w;
            t.start();
        }
    }

    /** A call of a scalar-bound {@code plan} took {@code nanos}. */
    static void scalarCall(Plan plan, long nanos) {
        WarmUp w = started;
        if ((w == null || w.plan == plan) && nanos < scalarNanos) scalarNanos = nanos;
    }

    /** Blocks until the warm-up is done (it must have started). */
    static void await() {
        try {
            FINISHED.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the vector kernels' warm-up", e);
        }
    }

    /** Throws what the warm-up threw: the vector form of the plan fails, and a session must not switch to it. */
    static void rethrowFailure() {
        Throwable f = failure;
        if (f != null) throw new IllegalStateException("the warm-up of the vector kernels failed: " + f, f);
    }

    /** One line: calls, time, last window median; empty before the warm-up starts. */
    static String describe() {
        WarmUp w = started;
        if (w == null) return "";
        return String.format(java.util.Locale.ROOT, "warm-up: %d calls in %.0f ms, %.3f ms per call at the end%s",
                w.calls, w.elapsedNanos / 1e6, w.medianNanos / 1e6, done ? "" : " (running)");
    }

    @Override
    public void run() {
        try {
            long t0 = System.nanoTime();
            OnnxSession.Bound b = OnnxSession.bind(plan, backend);
            SplittableRandom rng = new SplittableRandom(1);
            for (Value v : b.inputs()) {
                float[] buf = b.buffers()[v.root.buffer];
                for (int i = 0; i < v.size(); i++) buf[i] = (float) rng.nextGaussian();
            }
            long[] times = new long[64];
            long best = Long.MAX_VALUE;
            int stale = 0, total = 0;
            while (true) {
                int n = 0;
                long w0 = System.nanoTime(), now = w0;
                while (n < WINDOW_CALLS || now - w0 < WINDOW_NANOS) {
                    long s = now;
                    for (Runnable r : b.steps()) r.run();
                    now = System.nanoTime();
                    if (n == times.length) times = Arrays.copyOf(times, 2 * n);
                    times[n++] = now - s;
                }
                Arrays.sort(times, 0, n);
                long median = times[n / 2];
                total += n;
                calls = total;
                medianNanos = median;
                elapsedNanos = now - t0;
                stale = median < best * GAIN ? 0 : stale + 1;
                best = Math.min(best, median);
                boolean steady = stale >= STALE_WINDOWS && (median < scalarNanos || stale >= 4 * STALE_WINDOWS);
                if (steady || now - t0 > DEADLINE_NANOS) break;
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
            FINISHED.countDown();
        }
    }
}

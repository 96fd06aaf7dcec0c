package org.simdnn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's measured FMA peak: 16 independent FMA chains of {@code FloatVector} at the preferred width
 * ({@code acc = acc * m + c}, each chain depends only on itself), run for a fixed time by 1..T threads.
 * Sixteen chains cover FMA latency (4 cycles) times issue width (2 FMA pipes) with room to spare, and 16
 * accumulators plus 2 operands fit the 32 AVX-512 registers, so the loop is bound by FMA throughput alone.
 * This is the ceiling the benchmark report's "% of peak" divides by; no real kernel reaches it (loads, stores
 * and packing take issue slots).
 *
 * <p>Run alone: {@code java --add-modules=jdk.incubator.vector -cp ... org.simdnn.bench.FmaPeak [millis]}.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 16;
    private static final int INNER = 1 << 16;

    /** One measurement: {@code threads} threads for {@code seconds}, {@code gflops} over all of them. */
    public record Result(int threads, int vectorBits, double gflops, double seconds) {
        public Result {
            if (threads < 1 || !(gflops > 0)) {
                throw new IllegalArgumentException("FMA peak needs threads >= 1 and gflops > 0, got " + threads + ", " + gflops);
            }
        }
    }

    private FmaPeak() {}

    /** FLOPs done by one {@link #chains} call with {@code iters} iterations: chains x lanes x (mul + add). */
    static double flopsPerCall(int iters) {
        return (double) iters * CHAINS * S.length() * 2;
    }

    public static int vectorBits() {
        return S.vectorBitSize();
    }

    /** Measures {@code threads} threads running FMA chains for about {@code millis} ms (after a JIT warm-up). */
    public static Result measure(int threads, long millis) {
        if (threads < 1 || millis < 1) {
            throw new IllegalArgumentException("FMA peak: threads and millis must be >= 1, got " + threads + ", " + millis);
        }
        warmUp();
        CyclicBarrier start = new CyclicBarrier(threads);
        DoubleAdder flops = new DoubleAdder();
        DoubleAdder sink = new DoubleAdder();
        long[] wall = new long[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long t0 = System.nanoTime(), deadline = t0 + millis * 1_000_000L;
                long calls = 0;
                float s = 0;
                do {
                    s += chains(INNER, 1f + id);
                    calls++;
                } while (System.nanoTime() < deadline);
                wall[id] = System.nanoTime() - t0;
                flops.add(calls * flopsPerCall(INNER));
                sink.add(s);
            }, "fma-peak-" + t);
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the FMA peak", e);
            }
        }
        long maxWall = 0;
        for (long w : wall) maxWall = Math.max(maxWall, w);
        if (Double.isNaN(sink.sum())) throw new IllegalStateException("FMA chains produced NaN");
        return new Result(threads, vectorBits(), flops.sum() / maxWall, maxWall / 1e9);
    }

    private static volatile float warmSink;

    /** Enough calls for C2 to compile {@link #chains} as a normal method (not only on-stack replacement). */
    private static void warmUp() {
        float s = 0;
        for (int i = 0; i < 3000; i++) s += chains(256, 1f);
        warmSink = s;
    }

    /** acc = acc * m + c converges to c / (1 - m) = 0.1: no overflow, no denormals. */
    static float chains(int iters, float seed) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, seed), a1 = a0.add(1f), a2 = a0.add(2f), a3 = a0.add(3f);
        FloatVector a4 = a0.add(4f), a5 = a0.add(5f), a6 = a0.add(6f), a7 = a0.add(7f);
        FloatVector a8 = a0.add(8f), a9 = a0.add(9f), a10 = a0.add(10f), a11 = a0.add(11f);
        FloatVector a12 = a0.add(12f), a13 = a0.add(13f), a14 = a0.add(14f), a15 = a0.add(15f);
        for (int i = 0; i < iters; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
            a12 = a12.fma(m, c); a13 = a13.fma(m, c); a14 = a14.fma(m, c); a15 = a15.fma(m, c);
        }
        FloatVector s = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)))
                .add(a8.add(a9).add(a10.add(a11)).add(a12.add(a13).add(a14.add(a15))));
        return s.reduceLanes(VectorOperators.ADD);
    }

    public static void main(String[] args) {
        long millis = args.length > 0 ? Long.parseLong(args[0]) : 500;
        int n = Runtime.getRuntime().availableProcessors();
        for (int t : n == 1 ? new int[] {1} : new int[] {1, n}) {
            Result r = measure(t, millis);
            System.out.printf("FMA peak: %d thread(s), %d-bit FloatVector: %.1f GFLOPS (%.1f per thread)%n",
                    r.threads(), r.vectorBits(), r.gflops(), r.gflops() / r.threads());
        }
    }
}

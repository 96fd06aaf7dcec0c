package org.simdnn.bench.report;

import java.util.Map;

/**
 * One measured configuration of one JMH benchmark, normalised to operations per second and GFLOPS.
 *
 * @param bench     the suite ("gemm", "conv", "ops", "storage", "calls")
 * @param benchmark JMH's full name, e.g. {@code org.simdnn.bench.GemmBench.sgemm}
 * @param method    the benchmark method ({@code sgemm})
 * @param shape     the {@code shape} parameter ("" when the class has none)
 * @param impl      the {@code impl} parameter (the method name when the class has none)
 * @param threads   the {@code threads} parameter (JMH's thread count when the class has none)
 * @param opsPerSec score in operations per second
 * @param opsError  JMH's 99.9% error half-width in operations per second (NaN when unknown)
 * @param gflops    {@code opsPerSec * flops(shape) / 1e9}; NaN when the class has no {@code flops(String)}
 * @param params    all JMH parameters, as measured
 * @param spread    slowest over fastest measurement iteration (≥ 1; NaN when unknown). Far above 1 means the
 *                  iterations disagree, e.g. C2 finished compiling only during measurement on a busy machine.
 * @param items     items (images) per operation, from the suite's {@code items(String shape)}; 1 when it has none
 * @param latency   median and p99 seconds per operation in JMH's sample-time mode; null in other modes
 * @param allocBytesPerOp bytes allocated per operation (JMH's GC profiler, {@code gc.alloc.rate.norm}); NaN
 *                  when not profiled
 */
public record BenchResult(String bench, String benchmark, String method, String shape, String impl, int threads,
                          double opsPerSec, double opsError, double gflops, Map<String, String> params, double spread,
                          int items, Latency latency, double allocBytesPerOp) {
    /** Iterations further apart than this (max/min) mark a row as unstable in the report. */
    public static final double UNSTABLE_SPREAD = 1.5;

    public BenchResult {
        if (bench == null || benchmark == null || method == null || shape == null || impl == null) {
            throw new IllegalArgumentException("bench result needs bench, benchmark, method, shape and impl, got "
                    + bench + ", " + benchmark + ", " + method + ", " + shape + ", " + impl);
        }
        if (threads < 1) throw new IllegalArgumentException("bench result threads must be >= 1, got " + threads);
        if (items < 1) throw new IllegalArgumentException("bench result items per operation must be >= 1, got " + items);
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    /** A result without the sample-time and allocation fields (throughput and average-time modes). */
    public BenchResult(String bench, String benchmark, String method, String shape, String impl, int threads,
                       double opsPerSec, double opsError, double gflops, Map<String, String> params, double spread) {
        this(bench, benchmark, method, shape, impl, threads, opsPerSec, opsError, gflops, params, spread, 1, null, Double.NaN);
    }

    /** Median and 99th-percentile time of one operation, in seconds. */
    public record Latency(double p50, double p99) {}

    /** The same result under another impl label (e.g. {@code openblas-jni[auto]}). */
    public BenchResult withImpl(String newImpl) {
        return new BenchResult(bench, benchmark, method, shape, newImpl, threads, opsPerSec, opsError, gflops, params, spread,
                items, latency, allocBytesPerOp);
    }

    /** Items (images) per second: {@code opsPerSec × items}. */
    public double itemsPerSec() {
        return opsPerSec * items;
    }

    /**
     * The parameters other than shape, impl and threads ("pass=fwd"), in the order JMH reports them; rows differ
     * in these are different measurements (a forward and a backward pass are not compared with each other).
     */
    public String variant() {
        StringBuilder sb = new StringBuilder();
        for (var e : params.entrySet()) {
            if (e.getKey().equals("shape") || e.getKey().equals("impl") || e.getKey().equals("threads")) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    /** "conv · run · pass=fwd": the table section and chart this row belongs to. */
    public String section() {
        String v = variant();
        return bench + " · " + method + (v.isEmpty() ? "" : " · " + v);
    }

    public boolean unstable() {
        return spread > UNSTABLE_SPREAD;
    }

    /** The benchmark's class name without the method. */
    public String className() {
        int dot = benchmark.lastIndexOf('.');
        return dot < 0 ? benchmark : benchmark.substring(0, dot);
    }

    /** True for every OpenBLAS-based baseline ({@code openblas-ffm}, {@code openblas-jni[auto]}, {@code im2col-openblas}). */
    public boolean isOpenBlas() {
        return impl.contains("openblas");
    }

    /** True for the impls the suite's ratios are taken against ({@link Suite#baselineOf}). */
    public boolean isBaseline() {
        return impl.contains(Suite.baselineOf(bench));
    }
}

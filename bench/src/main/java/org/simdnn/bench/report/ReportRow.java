package org.simdnn.bench.report;

/**
 * A result with what the report derives from the others in the same run.
 *
 * @param ratioToBaseline ops/s over the best baseline impl's ops/s (OpenBLAS for the kernel suites, ONNX Runtime for
 *                        {@code infer}; {@link Suite#baselineOf}) for the same bench, method, shape and threads; equal
 *                        to the GFLOPS ratio where the suite counts FLOPs (NaN when no baseline was measured)
 * @param pctOfPeak       GFLOPS over the measured FMA peak for that thread count, in percent (NaN when unknown)
 * @param p50Speedup      the best baseline's median latency over this row's (above 1: this row is faster; NaN
 *                        outside sample-time mode)
 * @param p99Speedup      the same for the 99th percentile
 */
public record ReportRow(BenchResult result, double ratioToBaseline, double pctOfPeak, double p50Speedup, double p99Speedup) {}

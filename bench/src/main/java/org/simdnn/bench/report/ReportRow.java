package org.simdnn.bench.report;

/**
 * A result with what the report derives from the others in the same run.
 *
 * @param ratioToOpenBlas GFLOPS over the best OpenBLAS-based impl's GFLOPS for the same bench, method, shape and
 *                        threads (NaN when none was measured, or no FLOP count)
 * @param pctOfPeak       GFLOPS over the measured FMA peak for that thread count, in percent (NaN when unknown)
 */
public record ReportRow(BenchResult result, double ratioToOpenBlas, double pctOfPeak) {}

package org.simdnn.reference;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assertions;

/** Comparison helpers and seeded random data for kernel tests. */
public final class Check {
    private Check() {}

    /** Uniform values in [-1, 1) from a fixed seed. */
    public static float[] random(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    /**
     * Asserts |actual - expected| <= tol * (scale + 1e-30) element-wise, with NaN matching NaN and infinities
     * matching exactly. {@code scale} is the per-element magnitude of the summed terms (see
     * {@link Reference#sgemmAbsScale}), so the bound is the classic k·eps·Σ|a||b| rounding bound.
     */
    public static void close(String what, float[] expected, float[] actual, int off, int stride, int rows, int cols,
                             double[] scale, double tol) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int idx = off + i * stride + j;
                float e = expected[idx], a = actual[idx];
                if (Float.isNaN(e) || Float.isNaN(a)) {
                    if (Float.isNaN(e) != Float.isNaN(a)) {
                        Assertions.fail(what + ": at (" + i + "," + j + ") expected " + e + " got " + a);
                    }
                    continue;
                }
                if (Float.isInfinite(e) || Float.isInfinite(a)) {
                    if (e != a) Assertions.fail(what + ": at (" + i + "," + j + ") expected " + e + " got " + a);
                    continue;
                }
                double bound = tol * (scale == null ? Math.max(1, Math.abs(e)) : scale[i * cols + j] + 1e-30);
                if (Math.abs(e - a) > bound) {
                    Assertions.fail(what + ": at (" + i + "," + j + ") expected " + e + " got " + a + " (|diff| "
                            + Math.abs(e - a) + " > " + bound + ")");
                }
            }
        }
    }

    /** Every element outside the rows x cols window at stride must be untouched. */
    public static void untouchedOutside(String what, float[] before, float[] after, int off, int stride, int rows,
                                        int cols) {
        for (int idx = 0; idx < after.length; idx++) {
            int rel = idx - off;
            boolean inside = rel >= 0 && rel / stride < rows && rel % stride < cols;
            if (!inside && Float.floatToRawIntBits(before[idx]) != Float.floatToRawIntBits(after[idx])) {
                Assertions.fail(what + ": element " + idx + " outside C's window changed from " + before[idx] + " to "
                        + after[idx]);
            }
        }
    }
}

package org.simdnn.diagnostics;

import java.util.SplittableRandom;

/**
 * Hutchinson's trace estimator: {@code tr(A) = E[zᵀ A z]} for z with independent ±1 entries; the mean over
 * {@code samples} probes with its standard error. The trace is the sum of the eigenvalues: the Hessian's average
 * curvature times the parameter count.
 */
public final class Hutchinson {
    private Hutchinson() {}

    public record Estimate(double trace, double standardError, int samples) {}

    public static Estimate trace(LinearOperator op, int samples, SplittableRandom rng) {
        if (samples < 2) throw new IllegalArgumentException("Hutchinson needs >= 2 samples for an error estimate, got " + samples);
        int n = op.dimension();
        double[] av = new double[n];
        double sum = 0, sumSq = 0;
        for (int s = 0; s < samples; s++) {
            double[] z = Vectors.rademacher(n, rng);
            op.apply(z, av);
            double q = Vectors.dot(z, av);
            sum += q;
            sumSq += q * q;
        }
        double mean = sum / samples;
        double var = Math.max(0, (sumSq - samples * mean * mean) / (samples - 1));
        return new Estimate(mean, Math.sqrt(var / samples), samples);
    }
}

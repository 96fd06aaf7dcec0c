package org.simdnn.diagnostics;

import java.util.SplittableRandom;

/** The few dense double-vector operations the curvature algorithms need. */
final class Vectors {
    private Vectors() {}

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

    /** y += alpha x. */
    static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += alpha * x[i];
    }

    static void scale(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) x[i] *= alpha;
    }

    /** Entries ±1 with equal probability (Hutchinson's and SLQ's probe vectors). */
    static double[] rademacher(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextBoolean() ? 1 : -1;
        return v;
    }
}

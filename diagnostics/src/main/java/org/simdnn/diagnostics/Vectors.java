package org.simdnn.diagnostics;

import java.util.SplittableRandom;

/** The few dense double-vector operations the curvature algorithms need. */
public final class Vectors {
    private Vectors() {}

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    public static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

    /** y += alpha x. */
    public static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += alpha * x[i];
    }

    public static void scale(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) x[i] *= alpha;
    }

    /** Entries ±1 with equal probability (Hutchinson's and SLQ's probe vectors). */
    public static double[] rademacher(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextBoolean() ? 1 : -1;
        return v;
    }
}

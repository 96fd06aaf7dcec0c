package org.simdnn.diagnostics;

/**
 * The full Hessian by central differences of exact gradients: column j is {@code (g(θ + h e_j) - g(θ - h e_j)) / 2h},
 * exact for a quadratic up to rounding and with an O(h²) truncation error otherwise. The raw matrix is not quite
 * symmetric (rounding in the gradients, truncation): it is symmetrised, and its antisymmetric part, which has the
 * same origin and size as the error left in the symmetric part, is reported as the error estimate.
 * 2n gradient evaluations and n² doubles: for models up to a few thousand parameters.
 */
public final class FiniteDifferenceHessian {
    private FiniteDifferenceHessian() {}

    /**
     * @param matrix        the symmetrised Hessian, n x n row-major
     * @param step          the difference step h
     * @param maxAsymmetry  max over i, j of |H_ij - H_ji| before symmetrising
     * @param noiseNorm     spectral norm of the antisymmetric part (H - Hᵀ)/2: the scale of the eigenvalue error
     * @param loss          the loss at θ
     * @param gradientNorm  |∇L(θ)|
     */
    public record Result(double[] matrix, int n, double step, double maxAsymmetry, double noiseNorm, double loss,
                         double gradientNorm) {
        /** max |H_ij| (the scale the asymmetry is relative to). */
        public double maxAbs() {
            double m = 0;
            for (double v : matrix) m = Math.max(m, Math.abs(v));
            return m;
        }

        /**
         * The tolerance under which an eigenvalue counts as zero (flat): twice the finite-difference error estimate
         * {@link #noiseNorm}, and at least 1e-9 of the largest entry (double rounding, for an exact function).
         */
        public double flatTolerance() {
            return Math.max(2 * noiseNorm, 1e-9 * maxAbs());
        }
    }

    public static Result compute(LossFunction f, double[] theta, double h) {
        if (!(h > 0)) throw new IllegalArgumentException("finite-difference step must be > 0, got " + h);
        int n = f.dimension();
        if (theta.length != n) throw new IllegalArgumentException("theta has " + theta.length + " entries, the function " + n);
        if ((long) n * n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("a " + n + "x" + n + " Hessian does not fit an array");
        double[] g0 = new double[n], gp = new double[n], gm = new double[n], x = theta.clone();
        double loss = f.gradient(x, g0);
        double[] raw = new double[n * n];
        for (int j = 0; j < n; j++) {
            double t = x[j];
            x[j] = t + h;
            f.gradient(x, gp);
            x[j] = t - h;
            f.gradient(x, gm);
            x[j] = t;
            for (int i = 0; i < n; i++) raw[i * n + j] = (gp[i] - gm[i]) / (2 * h);
        }
        double[] sym = new double[n * n], anti = new double[n * n];
        double maxAsym = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double a = raw[i * n + j], b = raw[j * n + i];
                sym[i * n + j] = (a + b) / 2;
                anti[i * n + j] = (a - b) / 2;
                maxAsym = Math.max(maxAsym, Math.abs(a - b));
            }
        }
        return new Result(sym, n, h, maxAsym, spectralNorm(anti, n), loss, Vectors.norm(g0));
    }

    /** ‖A‖₂ = sqrt(λmax(AᵀA)) by power iteration (60 steps: a tolerance needs the scale, not many digits). */
    static double spectralNorm(double[] a, int n) {
        double[] v = new double[n], w = new double[n], u = new double[n];
        java.util.Arrays.fill(v, 1 / Math.sqrt(n));
        for (int i = 0; i < n; i++) v[i] *= (i % 2 == 0 ? 1 : -1) * (1 + 0.01 * (i % 7));
        double est = 0;
        for (int it = 0; it < 60; it++) {
            double nv = Vectors.norm(v);
            if (nv == 0) return 0;
            Vectors.scale(1 / nv, v);
            multiply(a, n, v, w, false);
            multiply(a, n, w, u, true);
            est = Math.sqrt(Vectors.norm(u));
            System.arraycopy(u, 0, v, 0, n);
        }
        return est;
    }

    private static void multiply(double[] a, int n, double[] x, double[] y, boolean transpose) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            if (transpose) for (int k = 0; k < n; k++) s += a[k * n + i] * x[k];
            else for (int k = 0; k < n; k++) s += a[i * n + k] * x[k];
            y[i] = s;
        }
    }
}

package org.simdnn.diagnostics;

import java.util.ArrayList;
import java.util.List;

/**
 * The Lanczos iteration on a symmetric operator: m products build an orthonormal Krylov basis in which the operator
 * is the tridiagonal T (diagonal alpha, off-diagonal beta); T's eigenvalues (Ritz values) approach the operator's
 * extreme eigenvalues first. Every new vector is re-orthogonalised against all earlier ones (twice: classical
 * Gram-Schmidt loses orthogonality once a Ritz value converges, which would show up as ghost copies of it).
 * Memory: m vectors of the operator's dimension.
 */
public final class Lanczos {
    private Lanczos() {}

    /**
     * @param alpha T's diagonal (length {@code steps})
     * @param beta  T's off-diagonal (length {@code steps - 1}) and, last, the norm of the next residual
     */
    public record Result(double[] alpha, double[] beta, int steps) {
        /** T's eigenvalues (Ritz values) with the SLQ weights and residual bounds available from the decomposition. */
        public SymmetricEigen.Decomposition ritz() {
            return SymmetricEigen.tridiagonal(alpha, beta, steps);
        }

        /** |beta_m s_{m,i}|: how far Ritz value i can be from an eigenvalue of the operator (Ritz residual). */
        public double[] residuals(SymmetricEigen.Decomposition d) {
            double[] r = new double[steps];
            double last = beta.length >= steps ? beta[steps - 1] : 0;
            for (int i = 0; i < steps; i++) r[i] = Math.abs(last * d.lastComponents()[i]);
            return r;
        }
    }

    /** Runs at most {@code steps} iterations from {@code start} (stops early on an invariant subspace). */
    public static Result run(LinearOperator op, double[] start, int steps) {
        int n = op.dimension();
        if (start.length != n) throw new IllegalArgumentException("start has " + start.length + " entries, the operator " + n);
        steps = Math.min(steps, n);
        if (steps < 1) throw new IllegalArgumentException("Lanczos needs at least 1 step, got " + steps);
        double[] alpha = new double[steps], beta = new double[steps];
        List<double[]> basis = new ArrayList<>();
        double[] q = start.clone();
        double nq = Vectors.norm(q);
        if (nq == 0) throw new IllegalArgumentException("Lanczos start vector is zero");
        Vectors.scale(1 / nq, q);
        double[] w = new double[n];
        int m = 0;
        while (m < steps) {
            basis.add(q);
            op.apply(q, w);
            alpha[m] = Vectors.dot(q, w);
            for (int pass = 0; pass < 2; pass++) {
                for (double[] b : basis) Vectors.axpy(-Vectors.dot(b, w), b, w);
            }
            double bnorm = Vectors.norm(w);
            beta[m] = bnorm;
            m++;
            if (m == steps || bnorm <= 1e-12 * Math.max(1, Math.abs(alpha[m - 1]))) break;
            q = w.clone();
            Vectors.scale(1 / bnorm, q);
        }
        return new Result(java.util.Arrays.copyOf(alpha, m), java.util.Arrays.copyOf(beta, m), m);
    }
}

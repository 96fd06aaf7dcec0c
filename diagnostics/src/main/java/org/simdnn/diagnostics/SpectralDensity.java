package org.simdnn.diagnostics;

import java.util.SplittableRandom;

/**
 * The eigenvalue density by stochastic Lanczos quadrature (Ghorbani, Krishnan and Xiao 2019; PyHessian): for a
 * random unit probe v, {@code vᵀ f(A) v = Σ_j τ_j² f(θ_j)} where θ_j are the Ritz values of m Lanczos steps from v
 * and τ_j the first components of T's eigenvectors. Averaged over probes and with each node broadened into a
 * Gaussian, it is the spectral density φ(t) = (1/n) Σ_i δ(t - λ_i) smoothed; it integrates to 1.
 */
public final class SpectralDensity {
    private SpectralDensity() {}

    /** The quadrature nodes and weights of every probe (weights sum to 1 per probe), and the smoothed density. */
    public record Result(double[] nodes, double[] weights, int probes, double[] grid, double[] density, double sigma) {}

    /**
     * @param probes     random probes (independent Lanczos runs)
     * @param steps      Lanczos steps per probe
     * @param gridPoints points of the density's grid, from the smallest to the largest node, padded by 5 sigma
     * @param sigmaFraction Gaussian width as a fraction of the node range
     */
    public static Result estimate(LinearOperator op, int probes, int steps, SplittableRandom rng, int gridPoints,
                                  double sigmaFraction) {
        if (probes < 1 || gridPoints < 2) throw new IllegalArgumentException("need >= 1 probe and >= 2 grid points");
        int n = op.dimension();
        double[][] nodes = new double[probes][], weights = new double[probes][];
        int total = 0;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < probes; p++) {
            Lanczos.Result r = Lanczos.run(op, Vectors.rademacher(n, rng), steps);
            SymmetricEigen.Decomposition d = r.ritz();
            nodes[p] = d.values();
            weights[p] = new double[r.steps()];
            for (int j = 0; j < r.steps(); j++) weights[p][j] = d.firstComponents()[j] * d.firstComponents()[j] / probes;
            total += r.steps();
            lo = Math.min(lo, nodes[p][0]);
            hi = Math.max(hi, nodes[p][r.steps() - 1]);
        }
        double range = Math.max(hi - lo, 1e-12 * Math.max(1, Math.abs(hi)));
        double sigma = sigmaFraction * range;
        double[] grid = new double[gridPoints], density = new double[gridPoints];
        double a = lo - 5 * sigma, b = hi + 5 * sigma;
        double norm = 1 / (sigma * Math.sqrt(2 * Math.PI));
        for (int g = 0; g < gridPoints; g++) {
            double t = a + (b - a) * g / (gridPoints - 1);
            grid[g] = t;
            double s = 0;
            for (int p = 0; p < probes; p++) {
                for (int j = 0; j < nodes[p].length; j++) {
                    double z = (t - nodes[p][j]) / sigma;
                    s += weights[p][j] * norm * Math.exp(-0.5 * z * z);
                }
            }
            density[g] = s;
        }
        double[] allNodes = new double[total], allWeights = new double[total];
        int k = 0;
        for (int p = 0; p < probes; p++) {
            for (int j = 0; j < nodes[p].length; j++, k++) {
                allNodes[k] = nodes[p][j];
                allWeights[k] = weights[p][j];
            }
        }
        return new Result(allNodes, allWeights, probes, grid, density, sigma);
    }
}

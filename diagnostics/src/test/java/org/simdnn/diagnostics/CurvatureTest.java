package org.simdnn.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.simdnn.nn.Sequential;

/** Finite-difference Hessian, classification, Lanczos, Hutchinson and SLQ against exact answers. */
class CurvatureTest {
    /** f(θ) = ½ θᵀAθ + bᵀθ, gradient Aθ + b, Hessian A, in double. */
    private static LossFunction quadratic(double[] a, double[] b, int n) {
        return new LossFunction() {
            @Override public int dimension() { return n; }

            @Override
            public double gradient(double[] t, double[] g) {
                double f = 0;
                for (int i = 0; i < n; i++) {
                    double s = b[i];
                    for (int j = 0; j < n; j++) s += a[i * n + j] * t[j];
                    g[i] = s;
                    f += 0.5 * t[i] * (s - b[i]) + b[i] * t[i];
                }
                return f;
            }
        };
    }

    private static double[] randomSymmetric(int n, SplittableRandom rng) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.nextDouble(-2, 2);
        }
        return a;
    }

    @Test
    void hessianOfQuadraticIsExactToTheStatedTolerance() {
        int n = 9;
        SplittableRandom rng = new SplittableRandom(1);
        double[] a = randomSymmetric(n, rng), b = new double[n], theta = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = rng.nextDouble(-1, 1);
            theta[i] = rng.nextDouble(-3, 3);
        }
        FiniteDifferenceHessian.Result r = FiniteDifferenceHessian.compute(quadratic(a, b, n), theta, 1e-3);
        // central differences of a linear gradient are exact: only double rounding, ~1e-16 |g| / h
        double tol = 1e-9;
        for (int i = 0; i < n * n; i++) assertEquals(a[i], r.matrix()[i], tol, "entry " + i);
        assertTrue(r.maxAsymmetry() < tol, "asymmetry " + r.maxAsymmetry());
        assertTrue(r.flatTolerance() < 1e-8, "flat tolerance " + r.flatTolerance());
        double[] fromFd = SymmetricEigen.eigenvalues(r.matrix(), n), exact = SymmetricEigen.eigenvalues(a, n);
        for (int i = 0; i < n; i++) assertEquals(exact[i], fromFd[i], 1e-8);
    }

    @Test
    void eigenvaluesOfAKnownMatrix() {
        // [[2,1],[1,2]] has eigenvalues 1 and 3
        double[] l = SymmetricEigen.eigenvalues(new double[] {2, 1, 1, 2}, 2);
        assertEquals(1, l[0], 1e-12);
        assertEquals(3, l[1], 1e-12);
    }

    @Test
    void xSquaredMinusYSquaredIsASaddle() {
        LossFunction f = new LossFunction() {
            @Override public int dimension() { return 2; }

            @Override
            public double gradient(double[] t, double[] g) {
                g[0] = 2 * t[0];
                g[1] = -2 * t[1];
                return t[0] * t[0] - t[1] * t[1];
            }
        };
        FiniteDifferenceHessian.Result r = FiniteDifferenceHessian.compute(f, new double[] {0, 0}, 1e-3);
        CriticalPoint c = CriticalPoint.classify(SymmetricEigen.eigenvalues(r.matrix(), 2), r.flatTolerance(), r.gradientNorm());
        assertEquals(CriticalPoint.Kind.SADDLE, c.kind());
        assertEquals(1, c.positive());
        assertEquals(1, c.negative());
        assertEquals(0, c.flat());
        assertEquals(0, r.gradientNorm(), 0);
    }

    /**
     * L = ½ (y - v1 tanh(w1 x) - v2 tanh(w2 x))² at θ = 0: the gradient vanishes and each hidden unit contributes
     * the block [[0, -xy], [-xy, 0]], eigenvalues ±xy: a saddle (the symmetric point of a 1-2-1 tanh network).
     */
    @Test
    void tinyTanhNetworkAtItsSymmetricPointIsASaddle() {
        double x = 1.5, y = 0.8;
        LossFunction f = new LossFunction() {
            @Override public int dimension() { return 4; } // w1, w2, v1, v2

            @Override
            public double gradient(double[] t, double[] g) {
                double h1 = Math.tanh(t[0] * x), h2 = Math.tanh(t[1] * x);
                double r = y - t[2] * h1 - t[3] * h2;
                g[0] = -r * t[2] * x * (1 - h1 * h1);
                g[1] = -r * t[3] * x * (1 - h2 * h2);
                g[2] = -r * h1;
                g[3] = -r * h2;
                return 0.5 * r * r;
            }
        };
        FiniteDifferenceHessian.Result r = FiniteDifferenceHessian.compute(f, new double[4], 1e-4);
        double[] l = SymmetricEigen.eigenvalues(r.matrix(), 4);
        CriticalPoint c = CriticalPoint.classify(l, r.flatTolerance(), r.gradientNorm());
        assertEquals(CriticalPoint.Kind.SADDLE, c.kind(), c.describe());
        assertEquals(-x * y, l[0], 1e-6);
        assertEquals(x * y, l[3], 1e-6);
        assertEquals(2, c.negative());
    }

    @Test
    void classificationCountsAndTolerance() {
        assertEquals(CriticalPoint.Kind.MINIMUM, CriticalPoint.classify(new double[] {1, 2, 1e-9}, 1e-6, 0).kind());
        assertEquals(1, CriticalPoint.classify(new double[] {1, 2, 1e-9}, 1e-6, 0).flat());
        assertEquals(CriticalPoint.Kind.MAXIMUM, CriticalPoint.classify(new double[] {-1, -2}, 1e-6, 0).kind());
        assertEquals(CriticalPoint.Kind.FLAT, CriticalPoint.classify(new double[] {1e-9, -1e-9}, 1e-6, 0).kind());
        assertEquals(CriticalPoint.Kind.SADDLE, CriticalPoint.classify(new double[] {-1e-3, 1}, 1e-6, 0).kind());
    }

    /** A 16-5-3 tanh MLP (103 parameters) on random data: the curvature estimates against the full decomposition. */
    @Test
    void lanczosHutchinsonAndSlqAgreeWithTheFullDecompositionOnASmallModel() {
        Sequential net = DiagnosticModels.mlp(4, 1, new int[] {5}, "tanh", 3, 7);
        LabeledBatch b = TestData.batch(48, 4, 3, 11);
        ModelObjective f = new ModelObjective(net, b.images(), b.labels());
        double[] theta = f.parameters();
        int n = f.dimension();
        assertEquals(16 * 5 + 5 + 5 * 3 + 3, n);
        FiniteDifferenceHessian.Result full = FiniteDifferenceHessian.compute(f, theta, 1e-2);
        double[] l = SymmetricEigen.eigenvalues(full.matrix(), n);
        double scale = Math.max(Math.abs(l[0]), Math.abs(l[n - 1]));

        HessianVectorProduct hvp = new HessianVectorProduct(f, theta, 1e-2);
        Lanczos.Result lr = Lanczos.run(hvp, Vectors.rademacher(n, new SplittableRandom(3)), 40);
        double[] ritz = lr.ritz().values();
        // float32 gradients: both sides carry ~1e-4 relative noise; extremes converge well within 1 %
        assertEquals(l[n - 1], ritz[ritz.length - 1], 1e-2 * scale, "largest eigenvalue");
        assertEquals(l[0], ritz[0], 1e-2 * scale, "smallest eigenvalue");
        assertEquals(l[n - 2], ritz[ritz.length - 2], 2e-2 * scale, "second largest eigenvalue");

        double trace = 0;
        for (double v : l) trace += v;
        Hutchinson.Estimate t = Hutchinson.trace(hvp, 60, new SplittableRandom(5));
        assertEquals(trace, t.trace(), 4 * t.standardError() + 1e-2 * Math.abs(trace), "trace " + t);

        SpectralDensity.Result d = SpectralDensity.estimate(hvp, 3, 30, new SplittableRandom(9), 400, 0.01);
        double integral = 0, weights = 0;
        for (int i = 1; i < d.grid().length; i++) integral += (d.density()[i] + d.density()[i - 1]) / 2 * (d.grid()[i] - d.grid()[i - 1]);
        for (double w : d.weights()) weights += w;
        assertEquals(1, weights, 1e-9, "SLQ weights sum to 1 per probe, averaged");
        assertEquals(1, integral, 1e-3, "density integrates to 1");
        f.restore();
        assertTrue(java.util.Arrays.equals(toFloat(theta), toFloat(f.parameters())), "restore puts the weights back");
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }
}

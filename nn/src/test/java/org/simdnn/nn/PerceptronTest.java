package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

class PerceptronTest {
    static Stream<Backend> backends() { return TestBackends.all(); }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /**
     * Novikoff: with a unit separator u, margin γ = min y u·φ(x) and R = max |φ(x)|, the perceptron makes at most
     * (R/γ)² updates. Data: uniform in [-1,1]^6, labelled by a random hyperplane, points within γ0 dropped.
     */
    @Test
    void convergesWithinTheNovikoffBound() {
        SplittableRandom r = new SplittableRandom(11);
        int d = 6;
        double[] u = new double[d + 1];
        for (int i = 0; i <= d; i++) u[i] = r.nextGaussian();
        u[d] *= 0.3;
        double nu = norm(u);
        for (int i = 0; i <= d; i++) u[i] /= nu;
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        double gamma = Double.POSITIVE_INFINITY, radius = 0;
        while (xs.size() < 400) {
            float[] x = new float[d];
            double s = u[d], n2 = 1;
            for (int i = 0; i < d; i++) {
                x[i] = (float) r.nextDouble(-1, 1);
                s += u[i] * x[i];
                n2 += x[i] * (double) x[i];
            }
            if (Math.abs(s) < 0.05) continue;
            xs.add(x);
            ys.add(s > 0 ? 1 : -1);
            gamma = Math.min(gamma, Math.abs(s));
            radius = Math.max(radius, Math.sqrt(n2));
        }
        Perceptron p = new Perceptron(Basis.identity(), d);
        Perceptron.Fit fit = p.fit(xs.toArray(new float[0][]), ys.stream().mapToInt(Integer::intValue).toArray(), 10_000);
        double bound = (radius / gamma) * (radius / gamma);
        assertTrue(fit.converged(), "did not converge: " + fit);
        assertTrue(fit.updates() <= bound, fit.updates() + " updates > bound " + bound);
        assertTrue(fit.updates() > 0);
        for (int i = 0; i < xs.size(); i++) assertEquals((int) ys.get(i), p.predict(xs.get(i)), "sample " + i);
    }

    private static float[][] xorPoints(int n, long seed, int[] labels) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][];
        for (int i = 0; i < n; i++) {
            float a = (float) (Math.copySign(0.2 + 0.8 * r.nextDouble(), r.nextDouble(-1, 1)));
            float b = (float) (Math.copySign(0.2 + 0.8 * r.nextDouble(), r.nextDouble(-1, 1)));
            x[i] = new float[] {a, b};
            labels[i] = a * b > 0 ? 1 : -1;
        }
        return x;
    }

    /** XOR is not linearly separable in the inputs, but is with the degree-2 monomial x1·x2 (margin >= 0.04). */
    @Test
    void polynomialBasisSeparatesXorWhereTheIdentityCannot() {
        int[] y = new int[200];
        float[][] x = xorPoints(200, 5, y);
        assertFalse(new Perceptron(Basis.identity(), 2).fit(x, y, 200).converged());
        Perceptron poly = new Perceptron(Basis.polynomial(2), 2);
        assertEquals(6, poly.features()); // 1, x1, x2, x1², x1x2, x2²
        Perceptron.Fit fit = poly.fit(x, y, 10_000);
        assertTrue(fit.converged(), fit.toString());
        // u = the x1·x2 axis: margin |x1 x2| >= 0.04; |φ|² = 1 + x1² + x2² + x1⁴ + x1²x2² + x2⁴ <= 6
        assertTrue(fit.updates() <= 6 / (0.04 * 0.04), fit.toString());
    }

    @Test
    void polynomialFeaturesAreTheMonomials() {
        float[] out = new float[10];
        Basis.polynomial(2).map(new float[] {2, 3, 5}, 0, 3, out, 0);
        assertArrayEquals(new float[] {1, 2, 3, 5, 4, 6, 10, 9, 15, 25}, out);
        assertEquals(20, Basis.polynomial(3).dim(3));
    }

    @Test
    void rbfBasisSeparatesXor() {
        float[][] corners = {{-1, -1}, {-1, 1}, {1, -1}, {1, 1}};
        int[] y = {1, -1, -1, 1};
        Perceptron p = new Perceptron(Basis.rbf(corners, 2f), 2);
        assertTrue(p.fit(corners, y, 1000).converged());
        assertEquals(1, p.predict(new float[] {0.8f, 0.9f}));
        assertEquals(-1, p.predict(new float[] {-0.8f, 0.9f}));
        assertThrows(IllegalArgumentException.class, () -> p.fit(corners, new int[] {1, 0, 1, 1}, 1));
    }

    /** Multiclass: data labelled by argmax of a random unit-norm W*, margin >= 0.05; bound (R/γ)², R = √2 max|φ|. */
    @Test
    void multiclassConvergesWithinItsBound() {
        SplittableRandom r = new SplittableRandom(3);
        int d = 4, classes = 3, f = d + 1, n = 300;
        double[][] w = new double[classes][f];
        double nw = 0;
        for (double[] row : w) for (int i = 0; i < f; i++) {
            row[i] = r.nextGaussian();
            nw += row[i] * row[i];
        }
        for (double[] row : w) for (int i = 0; i < f; i++) row[i] /= Math.sqrt(nw);
        Tensor x = Tensor.zeros(n, d);
        int[] labels = new int[n];
        double gamma = Double.POSITIVE_INFINITY, radius = 0;
        for (int k = 0; k < n; ) {
            double[] phi = new double[f];
            for (int i = 0; i < d; i++) phi[i] = r.nextDouble(-1, 1);
            phi[d] = 1;
            double[] s = new double[classes];
            int best = 0;
            for (int c = 0; c < classes; c++) {
                for (int i = 0; i < f; i++) s[c] += w[c][i] * phi[i];
                if (s[c] > s[best]) best = c;
            }
            double margin = Double.POSITIVE_INFINITY;
            for (int c = 0; c < classes; c++) if (c != best) margin = Math.min(margin, s[best] - s[c]);
            if (margin < 0.05) continue;
            for (int i = 0; i < d; i++) x.set((float) phi[i], k, i);
            labels[k++] = best;
            gamma = Math.min(gamma, margin);
            radius = Math.max(radius, Math.sqrt(2) * norm(phi));
        }
        MulticlassPerceptron p = new MulticlassPerceptron(Basis.identity(), d, classes);
        long total = 0, m;
        int epochs = 0;
        do {
            m = p.fitEpoch(x, labels, null);
            total += m;
        } while (m > 0 && ++epochs < 10_000);
        assertEquals(0, m, "did not converge");
        assertTrue(total <= (radius / gamma) * (radius / gamma), total + " > " + (radius / gamma) * (radius / gamma));
        for (int i = 0; i < n; i++) assertEquals(labels[i], p.predict(x.data(), i * d));
    }

    /** As Modules: forward gives ±1 (binary) or class scores whose argmax is predict (multiclass). */
    @ParameterizedTest @MethodSource("backends")
    void forwardAgreesWithPredict(Backend b) throws Throwable {
        TestBackends.run(() -> {
            int[] y = new int[50];
            float[][] pts = xorPoints(50, 9, y);
            Perceptron p = new Perceptron(Basis.polynomial(2), 2);
            p.fit(pts, y, 1000);
            p.useBackend(b);
            Tensor x = Tensor.zeros(50, 2);
            for (int i = 0; i < 50; i++) for (int j = 0; j < 2; j++) x.set(pts[i][j], i, j);
            float[] out = p.forward(x, false).toArray();
            for (int i = 0; i < 50; i++) assertEquals(p.predict(pts[i]), (int) out[i]);
            assertThrows(UnsupportedOperationException.class, () -> p.backward(Tensor.zeros(50, 1)));

            MulticlassPerceptron mc = new MulticlassPerceptron(Basis.identity(), 2, 3);
            int[] labels = new int[50];
            for (int i = 0; i < 50; i++) labels[i] = pts[i][0] > 0.5f ? 2 : pts[i][0] > -0.5f ? 1 : 0;
            for (int e = 0; e < 5; e++) mc.fitEpoch(x, labels, null);
            mc.useBackend(b);
            int[] viaForward = new InferenceSession(mc).classify(x);
            for (int i = 0; i < 50; i++) assertEquals(mc.predict(x.data(), 2 * i), viaForward[i]);
        });
    }
}

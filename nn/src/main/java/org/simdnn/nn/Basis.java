package org.simdnn.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A feature map φ for the perceptron models. Every basis appends (or contains) the constant feature 1, so the
 * perceptron's bias is the last (or first) weight and needs no special case.
 */
public sealed interface Basis permits Basis.Identity, Basis.Polynomial, Basis.Rbf {

    /** Number of features for inputs of {@code inputDim} values. */
    int dim(int inputDim);

    /** Writes φ(x[xOff .. xOff+inputDim)) to out[outOff ..]. */
    void map(float[] x, int xOff, int inputDim, float[] out, int outOff);

    /** JSON-friendly description (for the safetensors metadata). */
    Map<String, Object> config();

    /** φ(x) = [x, 1]. */
    static Basis identity() { return new Identity(); }

    /** All monomials of the inputs up to total degree {@code degree}, the constant 1 first: C(n + d, d) features. */
    static Basis polynomial(int degree) { return new Polynomial(degree); }

    /** φ(x) = [exp(-gamma |x - c_1|^2), ..., exp(-gamma |x - c_K|^2), 1] for the given centres. */
    static Basis rbf(float[][] centers, float gamma) { return new Rbf(centers, gamma); }

    record Identity() implements Basis {
        @Override public int dim(int n) { return n + 1; }

        @Override
        public void map(float[] x, int xOff, int n, float[] out, int outOff) {
            System.arraycopy(x, xOff, out, outOff, n);
            out[outOff + n] = 1f;
        }

        @Override public Map<String, Object> config() { return new LinkedHashMap<>(Map.of("type", "identity")); }
    }

    record Polynomial(int degree) implements Basis {
        public Polynomial {
            if (degree < 1 || degree > 8) throw new IllegalArgumentException("polynomial degree must be in [1, 8], got " + degree);
        }

        @Override
        public int dim(int n) {
            long c = 1; // C(n + d, d)
            for (int i = 1; i <= degree; i++) c = c * (n + i) / i;
            if (c > 50_000_000) throw new IllegalArgumentException("polynomial basis of degree " + degree + " over " + n
                    + " inputs has " + c + " features (too many)");
            return (int) c;
        }

        @Override
        public void map(float[] x, int xOff, int n, float[] out, int outOff) {
            // Degree by degree; within a degree the index tuples i1 <= .. <= it in lexicographic order.
            out[outOff] = 1f;
            int w = outOff + 1;
            for (int t = 1; t <= degree; t++) w = monomials(x, xOff, n, t, 0, 1f, out, w);
        }

        private static int monomials(float[] x, int xOff, int n, int remaining, int from, float prod, float[] out, int w) {
            if (remaining == 0) {
                out[w] = prod;
                return w + 1;
            }
            for (int i = from; i < n; i++) w = monomials(x, xOff, n, remaining - 1, i, prod * x[xOff + i], out, w);
            return w;
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("type", "polynomial");
            c.put("degree", degree);
            return c;
        }
    }

    record Rbf(float[][] centers, float gamma) implements Basis {
        public Rbf {
            if (centers.length < 1 || !(gamma > 0)) throw new IllegalArgumentException("RBF needs >= 1 centre and gamma > 0, got "
                    + centers.length + " centres, gamma " + gamma);
            int d = centers[0].length;
            for (float[] c : centers) {
                if (c.length != d) throw new IllegalArgumentException("RBF centres differ in length: " + d + " vs " + c.length);
            }
            centers = centers.clone();
            for (int i = 0; i < centers.length; i++) centers[i] = centers[i].clone();
        }

        @Override
        public int dim(int n) {
            if (n != centers[0].length) throw new IllegalArgumentException("RBF centres have " + centers[0].length
                    + " dims, input has " + n);
            return centers.length + 1;
        }

        @Override
        public void map(float[] x, int xOff, int n, float[] out, int outOff) {
            for (int j = 0; j < centers.length; j++) {
                double d2 = 0;
                for (int i = 0; i < n; i++) {
                    double d = x[xOff + i] - centers[j][i];
                    d2 += d * d;
                }
                out[outOff + j] = (float) Math.exp(-gamma * d2);
            }
            out[outOff + centers.length] = 1f;
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("type", "rbf");
            c.put("gamma", (double) gamma);
            List<List<Double>> cs = new ArrayList<>();
            for (float[] row : centers) {
                List<Double> r = new ArrayList<>();
                for (float v : row) r.add((double) v);
                cs.add(r);
            }
            c.put("centers", cs);
            return c;
        }
    }

    /** Rebuilds a basis from {@link #config()}. */
    static Basis fromConfig(Map<String, Object> c) {
        String type = String.valueOf(c.get("type"));
        return switch (type) {
            case "identity" -> identity();
            case "polynomial" -> polynomial(((Number) c.get("degree")).intValue());
            case "rbf" -> {
                List<?> rows = (List<?>) c.get("centers");
                float[][] cs = new float[rows.size()][];
                for (int i = 0; i < cs.length; i++) {
                    List<?> r = (List<?>) rows.get(i);
                    cs[i] = new float[r.size()];
                    for (int j = 0; j < cs[i].length; j++) cs[i][j] = ((Number) r.get(j)).floatValue();
                }
                yield rbf(cs, ((Number) c.get("gamma")).floatValue());
            }
            default -> throw new IllegalArgumentException("unknown perceptron basis '" + type + "'");
        };
    }
}

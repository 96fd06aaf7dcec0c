package org.simdnn.diagnostics;

/**
 * Hessian-vector products by a central difference of gradients along the direction:
 * {@code H v ≈ |v| (g(θ + ε v̂) - g(θ - ε v̂)) / 2ε}, v̂ = v/|v|; two gradient evaluations per product, O(ε²)
 * truncation error. ε defaults to {@code 1e-3 (1 + |θ|)}: the gradients are float32, so the step must move the
 * weights by many float ulps, and relative to the weights' scale.
 */
public final class HessianVectorProduct implements LinearOperator {
    private final LossFunction f;
    private final double[] theta, x, gp, gm;
    private final double epsilon;
    private long products;

    public HessianVectorProduct(LossFunction f, double[] theta, double epsilon) {
        if (!(epsilon > 0)) throw new IllegalArgumentException("HVP step must be > 0, got " + epsilon);
        if (theta.length != f.dimension()) {
            throw new IllegalArgumentException("theta has " + theta.length + " entries, the function " + f.dimension());
        }
        this.f = f;
        this.theta = theta.clone();
        this.epsilon = epsilon;
        int n = theta.length;
        this.x = new double[n];
        this.gp = new double[n];
        this.gm = new double[n];
    }

    /** The default step 1e-3 (1 + |θ|). */
    public static double defaultStep(double[] theta) {
        return 1e-3 * (1 + Vectors.norm(theta));
    }

    public double epsilon() { return epsilon; }

    /** Products computed so far (each costs two gradients). */
    public long products() { return products; }

    @Override public int dimension() { return theta.length; }

    @Override
    public void apply(double[] v, double[] out) {
        double nv = Vectors.norm(v);
        if (nv == 0) {
            java.util.Arrays.fill(out, 0);
            return;
        }
        double s = epsilon / nv;
        for (int i = 0; i < x.length; i++) x[i] = theta[i] + s * v[i];
        f.gradient(x, gp);
        for (int i = 0; i < x.length; i++) x[i] = theta[i] - s * v[i];
        f.gradient(x, gm);
        double c = nv / (2 * epsilon);
        for (int i = 0; i < out.length; i++) out[i] = (gp[i] - gm[i]) * c;
        products++;
    }
}

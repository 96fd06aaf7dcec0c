package org.simdnn.diagnostics;

/**
 * Hessian-vector products by a central difference of gradients along the direction:
 * {@code H v ≈ |v| (g(θ + ε v̂) - g(θ - ε v̂)) / 2ε}, v̂ = v/|v|; two gradient evaluations per product, O(ε²)
 * truncation error. The default ε = 1e-3 moves each of n weights by about 1e-3/√n: many float32 ulps of weights of
 * order 0.01 to 1 up to millions of parameters (the gradients are float32), yet small enough to cross few ReLU kinks
 * (across a kink the difference no longer measures a second derivative).
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

    /** The default step along the unit direction. */
    public static final double DEFAULT_STEP = 1e-3;

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

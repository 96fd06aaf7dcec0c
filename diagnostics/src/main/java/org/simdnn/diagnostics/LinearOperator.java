package org.simdnn.diagnostics;

/** A symmetric matrix known only by its products with vectors (the Hessian of a model too large to form). */
public interface LinearOperator {
    int dimension();

    /** out = A v. */
    void apply(double[] v, double[] out);
}

package org.simdnn.diagnostics;

/**
 * A scalar loss of a parameter vector with its exact gradient: what the curvature tools differentiate once more
 * (finite differences of gradients, never of losses, so the second derivative costs one difference, not two).
 */
public interface LossFunction {
    /** Number of parameters. */
    int dimension();

    /** The loss at {@code theta}; writes dL/dθ into {@code grad} (both of length {@link #dimension()}). */
    double gradient(double[] theta, double[] grad);
}

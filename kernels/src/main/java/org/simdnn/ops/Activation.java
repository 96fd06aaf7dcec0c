package org.simdnn.ops;

/** Pointwise activations. {@code alpha} parameterises {@link #LEAKY_RELU} (negative slope). */
public enum Activation {
    IDENTITY,
    RELU,
    /** x for x > 0, alpha * x otherwise. */
    LEAKY_RELU,
    TANH,
    SIGMOID,
    /**
     * The perceptron's sign: +1 for {@code x >= 0} (including -0), -1 for {@code x < 0}, NaN for NaN. Its gradient
     * is taken as zero everywhere.
     */
    SIGN
}

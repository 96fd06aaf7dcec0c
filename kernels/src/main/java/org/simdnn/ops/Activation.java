package org.simdnn.ops;

/** Pointwise activations. {@code alpha} parameterises {@link #LEAKY_RELU} (negative slope). */
public enum Activation {
    IDENTITY,
    RELU,
    /** x for x > 0, alpha * x otherwise. */
    LEAKY_RELU,
    TANH,
    SIGMOID,
    /** The perceptron's sign: +1 for x >= 0, -1 otherwise. Its gradient is zero almost everywhere. */
    SIGN
}

package org.simdnn.nn;

import org.simdnn.ops.Activation;

/** {@code y = 1 / (1 + exp(-x))}, elementwise. */
public final class Sigmoid extends PointwiseActivation {
    public Sigmoid() { super(Activation.SIGMOID, 0f); }

    @Override public Sigmoid shareWeights() { return sharedCopy(new Sigmoid()); }
}

package org.simdnn.nn;

import org.simdnn.ops.Activation;

/** {@code y = max(0, x)}, elementwise. */
public final class ReLU extends PointwiseActivation {
    public ReLU() { super(Activation.RELU, 0f); }

    @Override public ReLU shareWeights() { return sharedCopy(new ReLU()); }
}

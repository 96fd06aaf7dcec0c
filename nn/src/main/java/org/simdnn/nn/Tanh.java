package org.simdnn.nn;

import org.simdnn.ops.Activation;

/** {@code y = tanh(x)}, elementwise. */
public final class Tanh extends PointwiseActivation {
    public Tanh() { super(Activation.TANH, 0f); }

    @Override public Tanh shareWeights() { return sharedCopy(new Tanh()); }
}

package org.simdnn.kernels.conv;

/** The three convolution computations a plan is made for. */
public enum ConvPass {
    FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS
}

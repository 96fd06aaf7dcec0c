package org.simdnn.kernels.conv;

import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * One convolution algorithm (oneDNN style): it accepts or rejects a descriptor and pass with a reason, and runs
 * the passes it accepts. Arrays are NHWC activations and HWIO weights at the given offsets, already validated
 * by {@link ConvPlanner}. Outputs are overwritten.
 */
interface ConvImpl {
    /** Kernel id, e.g. {@code f32-conv-nhwc-8x2v-implicit-gemm}. */
    String id();

    /** Null when this implementation runs {@code pass} of {@code d}, else why not. */
    String rejects(Conv2dDesc d, ConvPass pass);

    /**
     * Null when the planner may pick this implementation for a descriptor it accepts, else why a later one is
     * faster there (a cost rule, not a limit: forcing the implementation still runs it).
     */
    default String declines(Conv2dDesc d, ConvPass pass) { return null; }

    /**
     * The forward pass bound to a copy of {@code w} and {@code bias}, with the epilogue; implementations that
     * keep weights in their kernel's layout override it.
     */
    default PreparedConv prepareForward(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        return new PreparedConv.Plain(this, d, w, wo, bias, bo, clamp);
    }

    void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo);

    void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo);

    /** {@code db} may be null. */
    void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo, float[] db, int dbo);
}

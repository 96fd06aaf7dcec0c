package org.simdnn.ops;

import org.simdnn.tensor.Tensor;

/**
 * One convolution of a fused chain ({@link Backend#prepareInvertedResidual}): its descriptor, its weights (HWIO,
 * as {@link Backend#conv2dForward} takes them), its bias (may be null) and the clamp applied to its output.
 */
public record ConvLayer(Conv2dDesc desc, Tensor w, Tensor bias, Clamp clamp) {
    public ConvLayer {
        if (desc == null || w == null) throw new IllegalArgumentException("conv layer: desc and w must not be null");
        OpChecks.conv2dWeights(desc, w, bias, clamp);
    }
}

package org.simdnn.ops;

import org.simdnn.tensor.Tensor;

/**
 * A forward convolution bound to its weights once, for inference: the backend lays the weights out for its
 * kernel when it is made (packed slivers, Winograd-transformed), so a call touches only activations, and it
 * applies the {@link Clamp} epilogue (bias, residual add, ReLU/Clip) while each output tile is in cache.
 * Immutable and safe to share between threads. Made by {@link Backend#prepareConv2dForward}.
 */
public interface PreparedConv2d {
    Conv2dDesc desc();

    /** The implementation that runs it (a kernel id, or the backend's name). */
    String id();

    /**
     * {@code y = clamp(conv(x, w) + bias + residual)}, x and y NHWC of the descriptor's shapes; {@code residual}
     * (y's shape, may be null) must not be y itself.
     */
    void forward(Tensor x, Tensor residual, Tensor y);
}

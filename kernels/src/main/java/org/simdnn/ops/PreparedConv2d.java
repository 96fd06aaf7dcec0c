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

    /**
     * {@link #forward} on these tensors, bound once for a serving loop that runs it on the same buffers: a
     * backend may check the arguments and build what a call needs (tables, range bodies) here, so that running
     * the result allocates nothing (the CPU backend does). The tensors' contents may change between runs, not
     * their storage. Not for two threads at once.
     */
    default Runnable bind(Tensor x, Tensor residual, Tensor y) { return () -> forward(x, residual, y); }
}

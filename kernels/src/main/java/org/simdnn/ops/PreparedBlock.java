package org.simdnn.ops;

import org.simdnn.tensor.Tensor;

/**
 * A chain of convolutions bound to their weights and run as one op, so that the activations between them stay in
 * cache: MobileNetV2's inverted-residual block ({@link Backend#prepareInvertedResidual}). Immutable and safe to
 * share between threads.
 */
public interface PreparedBlock {
    /** The implementation that runs it (a kernel id). */
    String id();

    /** The block's input shape, NHWC. */
    int[] inputShape();

    /** The block's output shape, NHWC. */
    int[] outputShape();

    /** {@code y = block(x)}, x and y NHWC of {@link #inputShape()} and {@link #outputShape()}, apart. */
    void forward(Tensor x, Tensor y);

    /**
     * {@link #forward} on these tensors, bound once for a serving loop: checked here, and running the result
     * allocates nothing. The tensors' contents may change between runs, not their storage. Not for two threads at
     * once.
     */
    default Runnable bind(Tensor x, Tensor y) { return () -> forward(x, y); }
}

package org.simdnn.tensor;

/**
 * How the logical dimensions of a tensor are ordered in memory. Activations default to {@link #NHWC}
 * (channels innermost, so a pixel's channels are one contiguous vector); {@link #NCHW} is supported for
 * interchange. {@link #ROW_MAJOR} is any other dense tensor (matrices, vectors, weights).
 */
public enum Layout {
    ROW_MAJOR,
    /** batch, height, width, channels: the layout every image kernel in simdnn computes in. */
    NHWC,
    /** batch, channels, height, width: PyTorch's default, accepted at the edges and converted. */
    NCHW
}

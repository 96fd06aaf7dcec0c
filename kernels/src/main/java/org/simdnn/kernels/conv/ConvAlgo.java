package org.simdnn.kernels.conv;

import org.simdnn.ops.Conv2dDesc;

/**
 * Which convolution implementation to run. {@link #AUTO} asks the planner (the first implementation, in
 * declaration order, that accepts the descriptor); the others force one, for tests and benchmarks, and are
 * rejected with the implementation's reason when it does not apply.
 */
public enum ConvAlgo {
    AUTO(null),
    /** 1x1 stride-1 unpadded, groups 1: one GEMM over N·H·W rows. */
    POINTWISE_GEMM(new PointwiseGemmConv()),
    /** 3x3 stride 1, groups 1, depth >= 16, columns in whole vectors: Winograd F(4x4, 3x3), forward and backward data. */
    WINOGRAD_F4X3(new WinogradF4x3Conv()),
    /** As F(4x4) plus the weight gradient (inC in whole pairs of vectors, outC % 8 == 0): Winograd F(2x2, 3x3). */
    WINOGRAD_F2X3(new WinogradF2x3Conv()),
    /** groups 1, vector width > 0: register-tiled implicit GEMM straight from a zero-padded NHWC image. */
    IMPLICIT_GEMM(new ImplicitGemmConv()),
    /** groups 1: im2col by bounded tiles + SGEMM (also the "im2col + our SGEMM" baseline). */
    IM2COL_GEMM(new Im2colTileGemmConv()),
    /** groups == inC (any multiplier): per-tap channel-vector multiply-adds. */
    DEPTHWISE(new DepthwiseConv()),
    /** everything (groups, dilation, any stride/padding): the direct loop nest, last. */
    DIRECT(new DirectConv());

    final ConvImpl impl;

    ConvAlgo(ConvImpl impl) { this.impl = impl; }

    /** The kernel id, e.g. {@code f32-conv-nhwc-1x1-gemm} ("auto" for {@link #AUTO}). */
    public String id() { return impl == null ? "auto" : impl.id(); }

    /** Null when this implementation runs {@code pass} of {@code d} ({@link #AUTO} always does), else why not. */
    public String rejects(Conv2dDesc d, ConvPass pass) { return impl == null ? null : impl.rejects(d, pass); }
}

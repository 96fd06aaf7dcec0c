package org.simdnn.ops;

/**
 * A 2-d convolution over NHWC activations. Weights are HWIO: {@code [kH, kW, inC/groups, outC]}, output
 * channel {@code o} belongs to group {@code o / (outC/groups)} and reads input channels
 * {@code [g*inC/groups, (g+1)*inC/groups)}. Depthwise is {@code groups == inC} with
 * {@code outC = inC * multiplier}. HWIO makes the weights the row-major B operand of the implicit GEMM
 * {@code Y[N*OH*OW, outC] = patches[N*OH*OW, kH*kW*inC] * W[kH*kW*inC, outC]} for {@code groups == 1}.
 *
 * <p>Padding is given per side (asymmetric and "same" padding included; see {@link #same}).
 */
public record Conv2dDesc(int batch, int inH, int inW, int inC, int outC, int kH, int kW,
                         int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                         int dilationH, int dilationW, int groups) {

    public Conv2dDesc {
        if (batch < 1 || inH < 1 || inW < 1 || inC < 1 || outC < 1 || kH < 1 || kW < 1) {
            throw new IllegalArgumentException("conv2d sizes must be positive: " + shapeString(batch, inH, inW, inC,
                    outC, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW, groups));
        }
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv2d stride and dilation must be >= 1, got stride " + strideH + "x"
                    + strideW + ", dilation " + dilationH + "x" + dilationW);
        }
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("conv2d padding must be >= 0, got top " + padTop + " left " + padLeft
                    + " bottom " + padBottom + " right " + padRight);
        }
        if (groups < 1 || inC % groups != 0 || outC % groups != 0) {
            throw new IllegalArgumentException("conv2d channels must divide by groups: inC " + inC + ", outC " + outC
                    + ", groups " + groups);
        }
        long effH = (long) (kH - 1) * dilationH + 1, effW = (long) (kW - 1) * dilationW + 1;
        long paddedH = (long) inH + padTop + padBottom, paddedW = (long) inW + padLeft + padRight;
        if (effH > paddedH || effW > paddedW) {
            throw new IllegalArgumentException("conv2d kernel " + kH + "x" + kW + " (dilated " + effH + "x" + effW
                    + ") is larger than the padded input " + paddedH + "x" + paddedW);
        }
        // Sizes are ints everywhere downstream (array lengths, offsets): every count must fit one.
        long outH = (paddedH - effH) / strideH + 1, outW = (paddedW - effW) / strideW + 1;
        Sizes.requireInt("conv2d", "input elements", Sizes.product(batch, inH, inW, inC), shapeString(batch, inH, inW, inC,
                outC, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW, groups));
        Sizes.requireInt("conv2d", "output elements " + batch + "x" + outH + "x" + outW + "x" + outC,
                Sizes.product(batch, outH, outW, outC), "padded input " + paddedH + "x" + paddedW + ", stride "
                        + strideH + "x" + strideW);
        Sizes.requireInt("conv2d", "weight elements " + kH + "x" + kW + "x" + (inC / groups) + "x" + outC,
                Sizes.product(kH, kW, inC / groups, outC), "groups " + groups);
    }

    /** Symmetric padding, no dilation, no groups. */
    public static Conv2dDesc of(int batch, int inH, int inW, int inC, int outC, int k, int stride, int pad) {
        return new Conv2dDesc(batch, inH, inW, inC, outC, k, k, stride, stride, pad, pad, pad, pad, 1, 1, 1);
    }

    /** TensorFlow/ONNX "SAME_UPPER" padding: output = ceil(in / stride), the extra pixel at the bottom/right. */
    public static Conv2dDesc same(int batch, int inH, int inW, int inC, int outC, int kH, int kW, int stride,
                                  int dilation, int groups) {
        if (stride < 1 || dilation < 1) {
            throw new IllegalArgumentException("conv2d stride and dilation must be >= 1, got stride " + stride
                    + ", dilation " + dilation);
        }
        long outH = ((long) inH + stride - 1) / stride, outW = ((long) inW + stride - 1) / stride;
        long padH = Math.max(0, (outH - 1) * stride + (long) (kH - 1) * dilation + 1 - inH);
        long padW = Math.max(0, (outW - 1) * stride + (long) (kW - 1) * dilation + 1 - inW);
        return new Conv2dDesc(batch, inH, inW, inC, outC, kH, kW, stride, stride, Sizes.requireInt("conv2d same",
                "top padding", padH / 2, "kernel " + kH + "x" + kW + ", dilation " + dilation),
                Sizes.requireInt("conv2d same", "left padding", padW / 2, "kernel " + kH + "x" + kW + ", dilation "
                        + dilation),
                Sizes.requireInt("conv2d same", "bottom padding", padH - padH / 2, "kernel " + kH + "x" + kW
                        + ", dilation " + dilation),
                Sizes.requireInt("conv2d same", "right padding", padW - padW / 2, "kernel " + kH + "x" + kW
                        + ", dilation " + dilation), dilation, dilation, groups);
    }

    public int outH() { return (int) (((long) inH + padTop + padBottom - (long) (kH - 1) * dilationH - 1) / strideH + 1); }
    public int outW() { return (int) (((long) inW + padLeft + padRight - (long) (kW - 1) * dilationW - 1) / strideW + 1); }
    public int inCPerGroup() { return inC / groups; }
    public int outCPerGroup() { return outC / groups; }
    public boolean isDepthwise() { return groups == inC && groups > 1; }
    public boolean isPointwise() {
        return kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && padBottom == 0
                && padRight == 0;
    }
    public int[] inputShape() { return new int[] {batch, inH, inW, inC}; }
    public int[] outputShape() { return new int[] {batch, outH(), outW(), outC}; }
    public int[] weightShape() { return new int[] {kH, kW, inC / groups, outC}; }
    /** Multiply-adds times two, for GFLOPS. */
    public double flops() { return 2.0 * batch * outH() * outW() * outC * kH * kW * (inC / groups); }

    /** oneDNN-style shape string, e.g. {@code mb128_ih28iw28ic32_oc32_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1}. */
    public String shapeString() {
        return shapeString(batch, inH, inW, inC, outC, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW,
                groups);
    }

    private static String shapeString(int mb, int ih, int iw, int ic, int oc, int kh, int kw, int sh, int sw, int ph,
                                      int pw, int dh, int dw, int g) {
        return "mb" + mb + "_ih" + ih + "iw" + iw + "ic" + ic + "_oc" + oc + "_kh" + kh + "kw" + kw + "_sh" + sh + "sw"
                + sw + "_ph" + ph + "pw" + pw + "_dh" + dh + "dw" + dw + "_g" + g;
    }
}

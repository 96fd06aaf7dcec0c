package org.simdnn.ops;

/**
 * 2-d pooling over NHWC activations. Average pooling divides by the number of <em>valid</em> (unpadded)
 * input pixels in the window (PyTorch's {@code count_include_pad=False}). Global average pooling is a
 * window equal to the input size.
 */
public record Pool2dDesc(int batch, int inH, int inW, int channels, int kH, int kW, int strideH, int strideW,
                         int padTop, int padLeft, int padBottom, int padRight) {

    public Pool2dDesc {
        if (batch < 1 || inH < 1 || inW < 1 || channels < 1 || kH < 1 || kW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool2d sizes and strides must be positive: mb" + batch + "_ih" + inH
                    + "iw" + inW + "c" + channels + "_kh" + kH + "kw" + kW + "_sh" + strideH + "sw" + strideW);
        }
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("pool2d padding must be >= 0");
        }
        if (padTop >= kH || padBottom >= kH || padLeft >= kW || padRight >= kW) {
            throw new IllegalArgumentException("pool2d padding must be smaller than the window " + kH + "x" + kW);
        }
        long paddedH = (long) inH + padTop + padBottom, paddedW = (long) inW + padLeft + padRight;
        if (kH > paddedH || kW > paddedW) {
            throw new IllegalArgumentException("pool2d window " + kH + "x" + kW + " larger than padded input "
                    + paddedH + "x" + paddedW);
        }
        long outH = (paddedH - kH) / strideH + 1, outW = (paddedW - kW) / strideW + 1;
        String shape = "mb" + batch + "_ih" + inH + "iw" + inW + "c" + channels;
        Sizes.requireInt("pool2d", "input elements", Sizes.product(batch, inH, inW, channels), shape);
        Sizes.requireInt("pool2d", "output elements " + batch + "x" + outH + "x" + outW + "x" + channels,
                Sizes.product(batch, outH, outW, channels), shape);
    }

    /** k x k window, stride k, no padding: the usual downsampling pool. */
    public static Pool2dDesc of(int batch, int inH, int inW, int channels, int k) {
        return new Pool2dDesc(batch, inH, inW, channels, k, k, k, k, 0, 0, 0, 0);
    }

    /** Global pooling: one output pixel per channel. */
    public static Pool2dDesc global(int batch, int inH, int inW, int channels) {
        return new Pool2dDesc(batch, inH, inW, channels, inH, inW, 1, 1, 0, 0, 0, 0);
    }

    public int outH() { return (int) (((long) inH + padTop + padBottom - kH) / strideH + 1); }
    public int outW() { return (int) (((long) inW + padLeft + padRight - kW) / strideW + 1); }

    /** First input row of output row {@code oh}'s window, clipped to the image (padding is never read). */
    public int windowTop(int oh) { return Math.max(0, oh * strideH - padTop); }

    /** One past the last input row of output row {@code oh}'s window, clipped to the image. */
    public int windowBottom(int oh) { return Math.min(inH, oh * strideH - padTop + kH); }

    /** First input column of output column {@code ow}'s window, clipped to the image. */
    public int windowLeft(int ow) { return Math.max(0, ow * strideW - padLeft); }

    /** One past the last input column of output column {@code ow}'s window, clipped to the image. */
    public int windowRight(int ow) { return Math.min(inW, ow * strideW - padLeft + kW); }

    public int[] inputShape() { return new int[] {batch, inH, inW, channels}; }
    public int[] outputShape() { return new int[] {batch, outH(), outW(), channels}; }
}

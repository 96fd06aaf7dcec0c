package org.simdnn.kernels.conv;


import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-winograd-f4x3}: 3x3 stride-1 convolution as Winograd F(4x4, 3x3). A 4x4 block of outputs
 * comes from its 6x6 input window through 36 transformed values per channel pair, against F(2x2, 3x3)'s 16 per
 * 2x2 block: 2.25 instead of 4 multiply-adds per output (9 directly), and 2.25 instead of 4 transformed values per
 * output to write and read. The price is rounding: the transforms scale by up to 8 and 1/24, so the error is a few
 * times F(2x2)'s (measured in the tests, still far below what training notices). Forward and backward data
 * (flipped, I/O-swapped weights, padding {@code 2 − pad}) run on {@link WinogradDriver}; the weight gradient is
 * left to F(2x2, 3x3). Deterministic; a NaN or Inf input may turn its whole 4x4 output block non-finite.
 */
final class WinogradF4x3Conv implements ConvImpl {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;

    @Override public String id() { return "f32-conv-nhwc-winograd-f4x3"; }

    @Override
    public String rejects(Conv2dDesc d, ConvPass pass) {
        if (!VECTOR) return "scalar mode (vector width 0): " + CpuInfo.VECTOR_REASON;
        if (pass == ConvPass.BACKWARD_WEIGHTS) return "the F(4x4) weight gradient is not written (F(2x2) runs it)";
        String shape = WinogradDriver.rejectsShape(d);
        if (shape != null) return shape;
        int pad = Math.max(Math.max(d.padTop(), d.padBottom()), Math.max(d.padLeft(), d.padRight()));
        if (pad > 2) {
            // Windows of mostly padding: the rounding of the 6x6 transforms, set by the whole window's magnitudes,
            // exceeded the tests' per-output bound (2.5e-6 against 1.8e-6 at pad 3); F(2x2) runs these.
            return "padding " + pad + " > 2";
        }
        // Output padded to whole 4x4 blocks: 14x14 computes 16x16 (1.31x), where F(2x2) measured as fast (2 threads,
        // 14x14x64: 513 vs 514 effective GFLOPS) and rounds less; 28x28 fits exactly (1.66x vs 1.22x).
        int oh = pass == ConvPass.BACKWARD_DATA ? d.inH() : d.outH(), ow = pass == ConvPass.BACKWARD_DATA ? d.inW() : d.outW();
        long padded = (long) ((oh + 3) / 4 * 4) * ((ow + 3) / 4 * 4);
        if (padded * 5 > (long) oh * ow * 6) {
            return "output " + oh + "x" + ow + " padded to 4x4 blocks is " + padded + " pixels (over 1.2x; F(2x2) wastes less)";
        }
        return WinogradDriver.rejectsChannels(d, pass);
    }

    @Override
    public String declines(Conv2dDesc d, ConvPass pass) { return WinogradDriver.declinesFewTiles(d, pass, 4); }

    @Override
    public PreparedConv prepareForward(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        return new WinogradDriver.Prepared(id(), WinogradF4x3Transforms.INSTANCE, d, w, wo, bias, bo, clamp);
    }

    @Override
    public void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo) {
        WinogradDriver.forward(WinogradF4x3Transforms.INSTANCE, d, x, xo, w, wo, bias, bo, y, yo);
    }

    @Override
    public void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        WinogradDriver.backwardData(WinogradF4x3Transforms.INSTANCE, d, dy, dyo, w, wo, dx, dxo);
    }

    @Override
    public void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo, float[] db,
                                int dbo) {
        throw new UnsupportedOperationException(id() + ": " + rejects(d, ConvPass.BACKWARD_WEIGHTS));
    }
}

package org.simdnn.reference;

import java.util.List;
import org.simdnn.ops.Conv2dDesc;

/**
 * Scalar reference convolution (NHWC activations, HWIO weights {@code [kH, kW, inC/groups, outC]}): the plain
 * definition, double accumulation, never optimised. Each pass also has an "abs" twin that sums |terms|, the
 * scale float rounding error is proportional to (see {@link Check#close}).
 */
public final class ReferenceConv {
    private ReferenceConv() {}

    /** Descriptors every convolution test runs: the edge cases named in the conventions. */
    public static List<Conv2dDesc> cases() {
        return List.of(
                Conv2dDesc.of(1, 1, 1, 1, 1, 1, 1, 0),                                        // 1 pixel, 1x1
                Conv2dDesc.of(1, 1, 1, 3, 4, 3, 1, 1),                                        // 1 pixel, 3x3 pad 1
                Conv2dDesc.of(2, 5, 7, 3, 5, 3, 1, 1),
                new Conv2dDesc(2, 9, 8, 7, 9, 3, 3, 2, 2, 1, 0, 2, 1, 1, 1, 1),               // asymmetric pad, stride 2
                new Conv2dDesc(2, 10, 11, 5, 6, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1, 1),             // stride > kernel
                new Conv2dDesc(1, 9, 9, 4, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1),               // dilation 2
                new Conv2dDesc(1, 11, 10, 5, 6, 3, 2, 2, 3, 1, 2, 0, 1, 2, 1, 1),             // dilation + stride, rect
                new Conv2dDesc(2, 6, 7, 6, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3),               // groups 3
                new Conv2dDesc(2, 7, 6, 19, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 19),            // depthwise, 19 channels
                new Conv2dDesc(2, 6, 5, 5, 10, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 5),              // depthwise multiplier 2
                new Conv2dDesc(1, 9, 9, 35, 35, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 35),            // depthwise, lanes + tail
                Conv2dDesc.of(3, 4, 5, 17, 33, 1, 1, 0),                                      // 1x1 pointwise
                new Conv2dDesc(2, 7, 7, 8, 5, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1),               // 1x1 stride 2
                Conv2dDesc.same(2, 7, 9, 3, 4, 3, 3, 2, 1, 1),                                // "same", stride 2
                Conv2dDesc.same(1, 6, 6, 2, 3, 4, 4, 1, 1, 1),                                // "same", even kernel
                Conv2dDesc.of(2, 12, 12, 33, 40, 3, 1, 1),                                    // odd C, K > 32
                Conv2dDesc.of(1, 9, 9, 3, 7, 5, 1, 2),                                        // 5x5
                Conv2dDesc.of(2, 8, 8, 32, 64, 3, 1, 1),                                      // the fast path
                Conv2dDesc.of(3, 10, 10, 1, 32, 3, 1, 1),                                     // first layer, C = 1
                new Conv2dDesc(2, 9, 8, 64, 13, 3, 3, 2, 2, 1, 0, 2, 1, 1, 1, 1),             // C in whole vectors, odd K, stride 2
                new Conv2dDesc(1, 9, 9, 32, 10, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1),             // C in whole vectors, dilation 2
                Conv2dDesc.of(1, 13, 3, 16, 17, 3, 1, 1),                                     // K = lanes + 1
                new Conv2dDesc(1, 5, 8, 4, 6, 1, 3, 1, 1, 0, 1, 0, 1, 1, 1, 1),               // 1x3
                new Conv2dDesc(1, 4, 4, 3, 5, 3, 3, 1, 1, 3, 3, 3, 3, 1, 1, 1),               // pad > kernel - 1
                // Winograd F(2x2, 3x3): odd sizes (partial 2x2 tiles), channel tails, asymmetric and large pads
                Conv2dDesc.of(2, 7, 9, 16, 32, 3, 1, 1),                                      // odd H and W
                Conv2dDesc.of(1, 6, 5, 20, 16, 3, 1, 0),                                      // pad 0, C tail
                new Conv2dDesc(1, 5, 6, 24, 48, 3, 3, 1, 1, 2, 0, 1, 2, 1, 1, 1),             // pads 2/0/1/2
                new Conv2dDesc(1, 4, 4, 16, 16, 3, 3, 1, 1, 3, 3, 3, 3, 1, 1, 1),             // pad 3: backward crops
                Conv2dDesc.of(5, 3, 3, 32, 32, 3, 1, 1),                                      // tiny images, groups of 5
                // depthwise 3x3 register tiles (DepthwiseConv3x3): 8-pixel tiles + 1-pixel tails, channel tails
                new Conv2dDesc(3, 7, 21, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32),           // dw s1 pad 1, batch 3
                new Conv2dDesc(1, 9, 37, 64, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 64),           // dw s2 pad 1, batch 1
                new Conv2dDesc(2, 6, 19, 67, 67, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 67),           // dw s1 pad 0, C tail
                new Conv2dDesc(3, 8, 18, 67, 67, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 67),           // dw s2 pad 0, C tail
                new Conv2dDesc(1, 1, 1, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32),            // dw 1 pixel
                new Conv2dDesc(3, 1, 1, 67, 67, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 67),            // dw 1 pixel, s2, batch 3
                new Conv2dDesc(2, 10, 17, 32, 32, 3, 3, 2, 1, 2, 0, 1, 2, 1, 1, 32),          // dw stride 2x1, pads 2/0/1/2
                new Conv2dDesc(1, 9, 12, 64, 64, 3, 3, 2, 2, 0, 1, 1, 0, 1, 1, 64),           // dw s2, asymmetric pad
                new Conv2dDesc(2, 5, 3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8),               // dw, C < 16 lanes
                new Conv2dDesc(1, 9, 10, 32, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 32),           // dw dilation 2 (per-pixel path)
                // forward in place (C in whole vectors, source rows inside the image): border columns, tiles, tails
                new Conv2dDesc(1, 5, 2, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16),            // dw narrower than 3: borders only
                new Conv2dDesc(2, 6, 29, 48, 48, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 48),           // dw s1 pad 0, 27 = 3 tiles + 3
                new Conv2dDesc(1, 12, 41, 48, 48, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 48),          // dw s2 pad 1, odd width
                new Conv2dDesc(1, 7, 40, 16, 16, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 16));          // dw s2, right/bottom pad only
    }

    public static void forward(Conv2dDesc d, float[] x, float[] w, float[] bias, float[] y) {
        forward(d, x, w, bias, y, false);
    }

    /** Sum of |x·w| + |bias| per output element. */
    public static double[] forwardScale(Conv2dDesc d, float[] x, float[] w, float[] bias) {
        float[] y = new float[d.batch() * d.outH() * d.outW() * d.outC()];
        double[] s = new double[y.length];
        forward(d, x, w, bias, y, true, s);
        return s;
    }

    private static void forward(Conv2dDesc d, float[] x, float[] w, float[] bias, float[] y, boolean abs) {
        forward(d, x, w, bias, y, abs, null);
    }

    private static void forward(Conv2dDesc d, float[] x, float[] w, float[] bias, float[] y, boolean abs, double[] s) {
        int cg = d.inCPerGroup(), kg = d.outCPerGroup();
        for (int n = 0; n < d.batch(); n++)
            for (int oh = 0; oh < d.outH(); oh++)
                for (int ow = 0; ow < d.outW(); ow++)
                    for (int o = 0; o < d.outC(); o++) {
                        int g = o / kg;
                        double acc = bias == null ? 0 : (abs ? Math.abs(bias[o]) : bias[o]);
                        for (int kh = 0; kh < d.kH(); kh++)
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (ih < 0 || ih >= d.inH() || iw < 0 || iw >= d.inW()) continue;
                                for (int ci = 0; ci < cg; ci++) {
                                    double t = (double) x[xi(d, n, ih, iw, g * cg + ci)] * w[wi(d, kh, kw, ci, o)];
                                    acc += abs ? Math.abs(t) : t;
                                }
                            }
                        int yi = yi(d, n, oh, ow, o);
                        y[yi] = (float) acc;
                        if (s != null) s[yi] = acc;
                    }
    }

    public static void backwardData(Conv2dDesc d, float[] dy, float[] w, float[] dx) {
        double[] acc = backwardData(d, dy, w, false);
        for (int i = 0; i < dx.length; i++) dx[i] = (float) acc[i];
    }

    public static double[] backwardDataScale(Conv2dDesc d, float[] dy, float[] w) { return backwardData(d, dy, w, true); }

    private static double[] backwardData(Conv2dDesc d, float[] dy, float[] w, boolean abs) {
        double[] dx = new double[d.batch() * d.inH() * d.inW() * d.inC()];
        int cg = d.inCPerGroup(), kg = d.outCPerGroup();
        for (int n = 0; n < d.batch(); n++)
            for (int oh = 0; oh < d.outH(); oh++)
                for (int ow = 0; ow < d.outW(); ow++)
                    for (int o = 0; o < d.outC(); o++) {
                        int g = o / kg;
                        double gy = dy[yi(d, n, oh, ow, o)];
                        for (int kh = 0; kh < d.kH(); kh++)
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (ih < 0 || ih >= d.inH() || iw < 0 || iw >= d.inW()) continue;
                                for (int ci = 0; ci < cg; ci++) {
                                    double t = gy * w[wi(d, kh, kw, ci, o)];
                                    dx[xi(d, n, ih, iw, g * cg + ci)] += abs ? Math.abs(t) : t;
                                }
                            }
                    }
        return dx;
    }

    /** dw (and db when non-null). */
    public static void backwardWeights(Conv2dDesc d, float[] x, float[] dy, float[] dw, float[] db) {
        double[] acc = backwardWeights(d, x, dy, false);
        for (int i = 0; i < dw.length; i++) dw[i] = (float) acc[i];
        if (db != null) {
            double[] b = biasGrad(d, dy, false);
            for (int i = 0; i < db.length; i++) db[i] = (float) b[i];
        }
    }

    public static double[] backwardWeightsScale(Conv2dDesc d, float[] x, float[] dy) {
        return backwardWeights(d, x, dy, true);
    }

    public static double[] biasGradScale(Conv2dDesc d, float[] dy) { return biasGrad(d, dy, true); }

    private static double[] biasGrad(Conv2dDesc d, float[] dy, boolean abs) {
        double[] b = new double[d.outC()];
        for (int i = 0; i < dy.length; i++) b[i % d.outC()] += abs ? Math.abs(dy[i]) : dy[i];
        return b;
    }

    private static double[] backwardWeights(Conv2dDesc d, float[] x, float[] dy, boolean abs) {
        double[] dw = new double[d.kH() * d.kW() * d.inCPerGroup() * d.outC()];
        int cg = d.inCPerGroup(), kg = d.outCPerGroup();
        for (int n = 0; n < d.batch(); n++)
            for (int oh = 0; oh < d.outH(); oh++)
                for (int ow = 0; ow < d.outW(); ow++)
                    for (int o = 0; o < d.outC(); o++) {
                        int g = o / kg;
                        double gy = dy[yi(d, n, oh, ow, o)];
                        for (int kh = 0; kh < d.kH(); kh++)
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (ih < 0 || ih >= d.inH() || iw < 0 || iw >= d.inW()) continue;
                                for (int ci = 0; ci < cg; ci++) {
                                    double t = gy * x[xi(d, n, ih, iw, g * cg + ci)];
                                    dw[wi(d, kh, kw, ci, o)] += abs ? Math.abs(t) : t;
                                }
                            }
                    }
        return dw;
    }

    /** Forward in double on double data (for finite differences): sum over outputs of y * r. */
    public static double weightedOutput(Conv2dDesc d, double[] x, double[] w, double[] r) {
        int cg = d.inCPerGroup(), kg = d.outCPerGroup();
        double total = 0;
        for (int n = 0; n < d.batch(); n++)
            for (int oh = 0; oh < d.outH(); oh++)
                for (int ow = 0; ow < d.outW(); ow++)
                    for (int o = 0; o < d.outC(); o++) {
                        int g = o / kg;
                        double acc = 0;
                        for (int kh = 0; kh < d.kH(); kh++)
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (ih < 0 || ih >= d.inH() || iw < 0 || iw >= d.inW()) continue;
                                for (int ci = 0; ci < cg; ci++) {
                                    acc += x[xi(d, n, ih, iw, g * cg + ci)] * w[wi(d, kh, kw, ci, o)];
                                }
                            }
                        total += acc * r[yi(d, n, oh, ow, o)];
                    }
        return total;
    }

    static int xi(Conv2dDesc d, int n, int h, int w, int c) { return ((n * d.inH() + h) * d.inW() + w) * d.inC() + c; }

    static int yi(Conv2dDesc d, int n, int h, int w, int c) { return ((n * d.outH() + h) * d.outW() + w) * d.outC() + c; }

    static int wi(Conv2dDesc d, int kh, int kw, int ci, int o) {
        return ((kh * d.kW() + kw) * d.inCPerGroup() + ci) * d.outC() + o;
    }
}

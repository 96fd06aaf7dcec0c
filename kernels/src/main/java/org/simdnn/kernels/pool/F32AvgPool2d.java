package org.simdnn.kernels.pool;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.eltwise.EltSpecies;
import org.simdnn.ops.Pool2dDesc;

/**
 * NHWC average pooling dividing by the number of real (unpadded) pixels in each window
 * ({@code count_include_pad=False}); global average pooling is the window = input case. Forward sums each
 * channel block over the window in registers; backward spreads dy / count over the window.
 */
public final class F32AvgPool2d {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32AvgPool2d() {}

    /** Output rows [row0, row1) of the (batch * outH) rows. */
    public static void forward(Pool2dDesc d, float[] x, int xo, float[] y, int yo, int row0, int row1) {
        int c = d.channels(), inH = d.inH(), inW = d.inW(), outH = d.outH(), outW = d.outW();
        for (int row = row0; row < row1; row++) {
            int n = row / outH, oh = row % outH;
            int h0 = d.windowTop(oh), h1 = d.windowBottom(oh);
            for (int ow = 0; ow < outW; ow++) {
                int w0 = d.windowLeft(ow), w1 = d.windowRight(ow);
                float inv = 1f / ((h1 - h0) * (w1 - w0));
                int out = ((n * outH + oh) * outW + ow) * c;
                int j = S == null ? 0 : Simd.window(x, xo, y, yo + out, n, inH, inW, c, h0, h1, w0, w1, inv);
                for (; j < c; j++) {
                    float acc = 0f;
                    for (int ih = h0; ih < h1; ih++) {
                        int p = ((n * inH + ih) * inW + w0) * c + j;
                        for (int iw = w0; iw < w1; iw++, p += c) acc += x[xo + p];
                    }
                    y[yo + out + j] = acc * inv;
                }
            }
        }
    }

    /** dx of images [n0, n1) must be zero already; windows of different images never overlap. */
    public static void backward(Pool2dDesc d, float[] dy, int dyo, float[] dx, int dxo, int n0, int n1) {
        int c = d.channels(), inH = d.inH(), inW = d.inW(), outH = d.outH(), outW = d.outW();
        for (int n = n0; n < n1; n++) {
            for (int oh = 0; oh < outH; oh++) {
                int h0 = d.windowTop(oh), h1 = d.windowBottom(oh);
                for (int ow = 0; ow < outW; ow++) {
                    int w0 = d.windowLeft(ow), w1 = d.windowRight(ow);
                    float inv = 1f / ((h1 - h0) * (w1 - w0));
                    int out = dyo + ((n * outH + oh) * outW + ow) * c;
                    for (int ih = h0; ih < h1; ih++) {
                        int p = dxo + ((n * inH + ih) * inW + w0) * c;
                        for (int iw = w0; iw < w1; iw++, p += c) {
                            int j = S == null ? 0 : Simd.spread(dy, out, inv, dx, p, c);
                            for (; j < c; j++) dx[p + j] = Math.fma(dy[out + j], inv, dx[p + j]);
                        }
                    }
                }
            }
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); each returns where the scalar tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int window(float[] x, int xo, float[] y, int yOut, int n, int inH, int inW, int c, int h0, int h1, int w0,
                          int w1, float inv) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int ih = h0; ih < h1; ih++) {
                    int p = ((n * inH + ih) * inW + w0) * c + j;
                    for (int iw = w0; iw < w1; iw++, p += c) acc = acc.add(FloatVector.fromArray(S, x, xo + p));
                }
                acc.mul(inv).intoArray(y, yOut + j);
            }
            return j;
        }

        static int spread(float[] dy, int out, float inv, float[] dx, int p, int c) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector.fromArray(S, dy, out + j).lanewise(VectorOperators.FMA, inv, FloatVector.fromArray(S, dx, p + j))
                        .intoArray(dx, p + j);
            }
            return j;
        }
    }
}

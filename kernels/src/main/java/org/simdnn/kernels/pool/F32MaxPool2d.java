package org.simdnn.kernels.pool;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.eltwise.EltSpecies;
import org.simdnn.ops.OpChecks;
import org.simdnn.ops.Pool2dDesc;

/**
 * NHWC max pooling. Channels are innermost, so a window is a handful of contiguous channel vectors: each output
 * pixel keeps a running max and its argmax (an int vector of flat input indices) per channel block in
 * registers. Padding is never selected. Ties keep the first element in window order (row-major over kh, kw);
 * the first NaN in a window wins and sticks, so NaN propagates like {@code Math.max}. Every window holds at
 * least one real pixel (Pool2dDesc requires padding smaller than the window).
 */
public final class F32MaxPool2d {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32MaxPool2d() {}

    /** Output rows [row0, row1) of the (batch * outH) rows. */
    public static void forward(Pool2dDesc d, float[] x, int xo, float[] y, int yo, int[] argmax, int row0, int row1) {
        int c = d.channels(), inH = d.inH(), inW = d.inW(), outH = d.outH(), outW = d.outW();
        for (int row = row0; row < row1; row++) {
            int n = row / outH, oh = row % outH;
            int h0 = d.windowTop(oh), h1 = d.windowBottom(oh);
            for (int ow = 0; ow < outW; ow++) {
                int w0 = d.windowLeft(ow), w1 = d.windowRight(ow);
                int out = ((n * outH + oh) * outW + ow) * c;
                int imgBase = n * inH;
                int j = S == null ? 0 : Simd.windows(x, xo, y, yo, argmax, imgBase, inW, c, h0, h1, w0, w1, out);
                for (; j < c; j++) {
                    int first = ((imgBase + h0) * inW + w0) * c + j;
                    float best = x[xo + first];
                    int arg = first;
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            int p = ((imgBase + ih) * inW + iw) * c + j;
                            float v = x[xo + p];
                            if (v > best || (v != v && best == best)) {
                                best = v;
                                arg = p;
                            }
                        }
                    }
                    y[yo + out + j] = best;
                    argmax[out + j] = arg;
                }
            }
        }
    }

    /**
     * Output rows [row0, row1) of the (batch * outH) rows without argmax (inference): each window's maximum by
     * {@link Math#max} (NaN propagates; of -0 and +0 the maximum is +0, where {@link #forward} keeps the first).
     */
    public static void forwardValues(Pool2dDesc d, float[] x, int xo, float[] y, int yo, int row0, int row1) {
        forwardValues(S != null, d, x, xo, y, yo, row0, row1);
    }

    /**
     * {@link #forwardValues} in plain Java whatever the vector width: the scalar form of the CPU backend, which
     * runs before the JIT has compiled the vector path (until then every vector is an object).
     */
    public static void forwardValuesScalar(Pool2dDesc d, float[] x, int xo, float[] y, int yo, int row0, int row1) {
        forwardValues(false, d, x, xo, y, yo, row0, row1);
    }

    private static void forwardValues(boolean vector, Pool2dDesc d, float[] x, int xo, float[] y, int yo, int row0,
                                      int row1) {
        int c = d.channels(), inH = d.inH(), inW = d.inW(), outH = d.outH(), outW = d.outW();
        for (int row = row0; row < row1; row++) {
            int n = row / outH, oh = row % outH;
            int h0 = d.windowTop(oh), h1 = d.windowBottom(oh);
            for (int ow = 0; ow < outW; ow++) {
                int w0 = d.windowLeft(ow), w1 = d.windowRight(ow);
                int first = ((n * inH + h0) * inW + w0) * c, out = ((n * outH + oh) * outW + ow) * c;
                int j = !vector ? 0 : Simd.maxWindows(x, xo + first, y, yo + out, inW * c, c, h1 - h0, w1 - w0);
                for (; j < c; j++) {
                    float best = x[xo + first + j];
                    for (int ih = 0; ih < h1 - h0; ih++) {
                        for (int iw = 0, p = xo + first + ih * inW * c + j; iw < w1 - w0; iw++, p += c) {
                            best = Math.max(best, x[p]);
                        }
                    }
                    y[yo + out + j] = best;
                }
            }
        }
    }

    /**
     * dx[argmax[i]] += dy[i] for the outputs of images [n0, n1); dx of those images must be zero already. Windows of
     * different images never overlap, so images may run on different threads.
     */
    public static void backward(Pool2dDesc d, float[] dy, int dyo, int[] argmax, float[] dx, int dxo, int n0, int n1) {
        OpChecks.argmaxWithinImages(d, argmax, n0, n1);
        int perOut = d.outH() * d.outW() * d.channels();
        for (int i = n0 * perOut, e = n1 * perOut; i < e; i++) dx[dxo + argmax[i]] += dy[dyo + i];
    }

    /** The vector path; linked only when the Vector API is in use (see {@link EltSpecies}). */
    static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final VectorSpecies<Integer> SI = EltSpecies.I;
        private static final int L = EltSpecies.LANES;

        private Simd() {}

        /**
         * The whole channel blocks of one window without argmax: window rows {@code rs} floats apart, pixels
         * {@code c} apart, from {@code x[xi]}; returns where the scalar tail starts.
         */
        static int maxWindows(float[] x, int xi, float[] y, int yi, int rs, int c, int rows, int cols) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector best = FloatVector.fromArray(S, x, xi + j);
                for (int ih = 0; ih < rows; ih++) {
                    for (int iw = 0, p = xi + ih * rs + j; iw < cols; iw++, p += c) {
                        best = best.max(FloatVector.fromArray(S, x, p));
                    }
                }
                best.intoArray(y, yi + j);
            }
            return j;
        }

        /** The whole channel blocks of one window; returns where the scalar tail starts. */
        static int windows(float[] x, int xo, float[] y, int yo, int[] argmax, int imgBase, int inW, int c, int h0, int h1,
                           int w0, int w1, int out) {
            int j = 0;
            for (; j <= c - L; j += L) window(x, xo, y, yo, argmax, imgBase, inW, c, h0, h1, w0, w1, out, j);
            return j;
        }

        /**
         * One channel block of one window. The running argmax is kept as the window position k (a small integer held
         * exactly in a float vector), so the loop blends floats under the float compare mask only; k is turned into a
         * flat input index once per window, so the inner loop needs no float-to-int mask cast. (Whether this beats
         * blending an int index vector could not be resolved on the loaded 2-core machine: see docs/ops.md.)
         */
        private static void window(float[] x, int xo, float[] y, int yo, int[] argmax, int imgBase, int inW, int c,
                                         int h0, int h1, int w0, int w1, int out, int j) {
            int first = ((imgBase + h0) * inW + w0) * c + j;
            FloatVector best = FloatVector.fromArray(S, x, xo + first);
            FloatVector pos = FloatVector.zero(S);
            int k = 0;
            for (int ih = h0; ih < h1; ih++) {
                for (int iw = w0, p = xo + ((imgBase + ih) * inW + w0) * c + j; iw < w1; iw++, p += c, k++) {
                    FloatVector v = FloatVector.fromArray(S, x, p);
                    VectorMask<Float> up = better(v, best);
                    best = best.blend(v, up);
                    pos = pos.blend((float) k, up);
                }
            }
            best.intoArray(y, yo + out + j);
            int ww = w1 - w0;
            IntVector kk = (IntVector) pos.convert(VectorOperators.F2I, 0);
            IntVector kh = (IntVector) pos.add(0.5f).mul(1f / ww).convert(VectorOperators.F2I, 0);
            IntVector kw = kk.sub(kh.mul(ww));
            kh.mul(inW).add(kw).mul(c).add(first).add(IntVector.zero(SI).addIndex(1)).intoArray(argmax, out + j);
        }

        /** v replaces best: v > best, or v is the window's first NaN (NaN != NaN: plain compares, no IS_NAN test). */
        static VectorMask<Float> better(FloatVector v, FloatVector best) {
            return v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v).and(best.compare(VectorOperators.EQ, best)));
        }
    }
}

package org.simdnn.kernels.pool;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.eltwise.EltSpecies;
import org.simdnn.ops.Pool2dDesc;

/**
 * {@code f32-maxpool-nhwc-2x2s2}: the 2x2, stride-2, unpadded max pooling of CNNs, unrolled. Same results as
 * {@link F32MaxPool2d} (first maximum in window order wins, the first NaN wins and sticks, argmax = flat input
 * index), without the generic path's per-window bounds and index arithmetic. The backward pass writes every
 * element of dX exactly once (dy where it was the window's argmax, else 0), so it needs neither the zero fill
 * nor the scatter of the generic backward (an argmax outside its window is rejected, as there); rows/columns of an odd-sized input that no window covers are zeroed.
 * Channels [0, C − C mod L) run here; the scalar tail per pixel follows the same rules. Vector API only: the
 * class does not link without {@code jdk.incubator.vector}, so callers test {@link EltSpecies#F} before
 * {@link #applies}.
 */
public final class F32MaxPool2x2 {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    private static final VectorSpecies<Integer> SI = EltSpecies.I;
    private static final int L = EltSpecies.LANES;

    private F32MaxPool2x2() {}

    /** Whether {@code d} is the 2x2 / stride 2 / no-padding pooling this class runs (vector width > 0). */
    public static boolean applies(Pool2dDesc d) {
        return S != null && d.kH() == 2 && d.kW() == 2 && d.strideH() == 2 && d.strideW() == 2 && d.padTop() == 0
                && d.padLeft() == 0 && d.padBottom() == 0 && d.padRight() == 0;
    }

    /** Output rows [row0, row1) of the (batch * outH) rows. */
    public static void forward(Pool2dDesc d, float[] x, int xo, float[] y, int yo, int[] argmax, int row0, int row1) {
        final int c = d.channels(), inH = d.inH(), inW = d.inW(), outH = d.outH(), outW = d.outW();
        final int rowStride = inW * c;
        final IntVector lane = IntVector.zero(SI).addIndex(1);
        for (int row = row0; row < row1; row++) {
            int n = row / outH, oh = row % outH;
            for (int ow = 0; ow < outW; ow++) {
                int i00 = ((n * inH + 2 * oh) * inW + 2 * ow) * c, i01 = i00 + c, i10 = i00 + rowStride, i11 = i10 + c;
                int out = ((n * outH + oh) * outW + ow) * c, j = 0;
                for (; j <= c - L; j += L) {
                    FloatVector best = FloatVector.fromArray(S, x, xo + i00 + j);
                    IntVector arg = lane.add(i00 + j);
                    FloatVector v = FloatVector.fromArray(S, x, xo + i01 + j);
                    VectorMask<Float> up = F32MaxPool2d.Simd.better(v, best);
                    best = best.blend(v, up);
                    arg = arg.blend(lane.add(i01 + j), up.cast(SI));
                    v = FloatVector.fromArray(S, x, xo + i10 + j);
                    up = F32MaxPool2d.Simd.better(v, best);
                    best = best.blend(v, up);
                    arg = arg.blend(lane.add(i10 + j), up.cast(SI));
                    v = FloatVector.fromArray(S, x, xo + i11 + j);
                    up = F32MaxPool2d.Simd.better(v, best);
                    best = best.blend(v, up);
                    arg = arg.blend(lane.add(i11 + j), up.cast(SI));
                    best.intoArray(y, yo + out + j);
                    arg.intoArray(argmax, out + j);
                }
                for (; j < c; j++) {
                    float best = x[xo + i00 + j];
                    int arg = i00 + j;
                    float v = x[xo + i01 + j];
                    if (v > best || (v != v && best == best)) { best = v; arg = i01 + j; }
                    v = x[xo + i10 + j];
                    if (v > best || (v != v && best == best)) { best = v; arg = i10 + j; }
                    v = x[xo + i11 + j];
                    if (v > best || (v != v && best == best)) { best = v; arg = i11 + j; }
                    y[yo + out + j] = best;
                    argmax[out + j] = arg;
                }
            }
        }
    }

    /** Names the first of {@code count} argmax entries from {@code i} that is not in its output's window. */
    private static void badArgmax(Pool2dDesc d, int[] argmax, int i, int count) {
        int c = d.channels(), outW = d.outW(), outH = d.outH();
        for (int k = i; k < i + count; k++) {
            int ch = k % c, pix = k / c, ow = pix % outW, oh = (pix / outW) % outH, n = pix / (outW * outH);
            int i00 = ((n * d.inH() + 2 * oh) * d.inW() + 2 * ow) * c + ch, rs = d.inW() * c, a = argmax[k];
            if (a != i00 && a != i00 + c && a != i00 + rs && a != i00 + rs + c) {
                throw new IllegalArgumentException("maxPool2dBackward: argmax[" + k + "] = " + a + " is not in the 2x2 window"
                        + " of output (" + n + ", " + oh + ", " + ow + ", " + ch + ") of input "
                        + java.util.Arrays.toString(d.inputShape()));
            }
        }
    }

    /**
     * dX of images [n0, n1): each element dy at its window's argmax, else 0 (every element written once). The
     * argmax values must come from {@link #forward} (or the generic forward) on the same shape.
     */
    public static void backward(Pool2dDesc d, float[] dy, int dyo, int[] argmax, float[] dx, int dxo, int n0, int n1) {
        final int c = d.channels(), inH = d.inH(), inW = d.inW(), outH = d.outH(), outW = d.outW();
        final int rowStride = inW * c;
        final IntVector lane = IntVector.zero(SI).addIndex(1);
        final FloatVector z = FloatVector.zero(S);
        for (int n = n0; n < n1; n++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    int i00 = ((n * inH + 2 * oh) * inW + 2 * ow) * c, i01 = i00 + c, i10 = i00 + rowStride, i11 = i10 + c;
                    int out = ((n * outH + oh) * outW + ow) * c, j = 0;
                    for (; j <= c - L; j += L) {
                        FloatVector g = FloatVector.fromArray(S, dy, dyo + out + j);
                        IntVector arg = IntVector.fromArray(SI, argmax, out + j);
                        VectorMask<Integer> m00 = arg.compare(VectorOperators.EQ, lane.add(i00 + j));
                        VectorMask<Integer> m01 = arg.compare(VectorOperators.EQ, lane.add(i01 + j));
                        VectorMask<Integer> m10 = arg.compare(VectorOperators.EQ, lane.add(i10 + j));
                        VectorMask<Integer> m11 = arg.compare(VectorOperators.EQ, lane.add(i11 + j));
                        if (!m00.or(m01).or(m10).or(m11).allTrue()) badArgmax(d, argmax, out + j, L);
                        z.blend(g, m00.cast(S)).intoArray(dx, dxo + i00 + j);
                        z.blend(g, m01.cast(S)).intoArray(dx, dxo + i01 + j);
                        z.blend(g, m10.cast(S)).intoArray(dx, dxo + i10 + j);
                        z.blend(g, m11.cast(S)).intoArray(dx, dxo + i11 + j);
                    }
                    for (; j < c; j++) {
                        float g = dy[dyo + out + j];
                        int a = argmax[out + j];
                        if (a != i00 + j && a != i01 + j && a != i10 + j && a != i11 + j) badArgmax(d, argmax, out + j, 1);
                        dx[dxo + i00 + j] = a == i00 + j ? g : 0f;
                        dx[dxo + i01 + j] = a == i01 + j ? g : 0f;
                        dx[dxo + i10 + j] = a == i10 + j ? g : 0f;
                        dx[dxo + i11 + j] = a == i11 + j ? g : 0f;
                    }
                }
                if ((inW & 1) != 0) { // the last column: no window
                    int o = dxo + ((n * inH + 2 * oh) * inW + inW - 1) * c;
                    java.util.Arrays.fill(dx, o, o + c, 0f);
                    java.util.Arrays.fill(dx, o + rowStride, o + rowStride + c, 0f);
                }
            }
            if ((inH & 1) != 0) { // the last row: no window
                int o = dxo + (n * inH + inH - 1) * rowStride;
                java.util.Arrays.fill(dx, o, o + rowStride, 0f);
            }
        }
    }
}

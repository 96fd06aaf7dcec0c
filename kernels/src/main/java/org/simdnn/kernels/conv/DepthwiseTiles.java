package org.simdnn.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise (multiplier 1) inner loops with the accumulator kept in a register across taps (forward,
 * backward data) or across a row of pixels (backward weights), so each multiply-add costs two loads and no
 * store. Channels [0, C − C mod L) run here; callers do the scalar tail.
 */
final class DepthwiseTiles {
    static final VectorSpecies<Float> F = ConvVectors.F;
    static final int L = F.length();

    private DepthwiseTiles() {}

    /**
     * out[oo + c] = init[io + c] + Σ_t a[ao + aOff[t] + c] · w[wo + wOff[t] + c] over the taps t in [0, taps),
     * for the vector part of c in [0, C). {@code init} may be null (zero).
     */
    static int pixel(float[] a, int ao, int[] aOff, float[] w, int wo, int[] wOff, int taps, float[] init, int io,
                     float[] out, int oo, int C) {
        int c = 0;
        for (int end = C - L; c <= end; c += L) {
            FloatVector acc = init == null ? FloatVector.zero(F) : FloatVector.fromArray(F, init, io + c);
            for (int t = 0; t < taps; t++) {
                acc = FloatVector.fromArray(F, a, ao + aOff[t] + c).fma(FloatVector.fromArray(F, w, wo + wOff[t] + c), acc);
            }
            acc.intoArray(out, oo + c);
        }
        return c;
    }

    /** acc[ao + c] += Σ_{i < count} x[xo + i·xs + c] · dy[yo + i·ys + c], vector part of c in [0, C). */
    static int rowDot(float[] x, int xo, int xs, float[] dy, int yo, int ys, int count, float[] acc, int ao, int C) {
        int c = 0;
        for (int end = C - L; c <= end; c += L) {
            FloatVector s = FloatVector.zero(F);
            for (int i = 0, xi = xo + c, yi = yo + c; i < count; i++, xi += xs, yi += ys) {
                s = FloatVector.fromArray(F, x, xi).fma(FloatVector.fromArray(F, dy, yi), s);
            }
            s.add(FloatVector.fromArray(F, acc, ao + c)).intoArray(acc, ao + c);
        }
        return c;
    }
}

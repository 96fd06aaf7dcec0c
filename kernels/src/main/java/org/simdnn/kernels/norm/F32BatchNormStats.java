package org.simdnn.kernels.norm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.eltwise.EltSpecies;

/**
 * Batch-norm statistics in one pass over a row-major [rows, c] block: per channel the shifted sums
 * {@code s1 = sum (x - k)} and {@code s2 = sum (x - k)^2}, with k = the channel's value in row 0, so that
 * {@code var = s2/N - (s1/N)^2} does not cancel catastrophically when |mean| >> std. Rows are taken in tiles of
 * {@link #TILE} (tile x c floats stay in L1 while each channel vector is summed down the tile in registers);
 * each tile's float partials are added into the caller's double accumulators.
 */
public final class F32BatchNormStats {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    static final int TILE = 64;

    private F32BatchNormStats() {}

    /** Accumulates rows [r0, r1) into s1, s2 (c doubles each); lanes is scratch of at least max(L, 1) * 2 floats. */
    public static void accumulate(float[] x, int xo, float[] shift, int c, int r0, int r1, double[] s1, double[] s2,
                                  float[] lanes) {
        for (int rb = r0; rb < r1; rb += TILE) {
            int re = Math.min(r1, rb + TILE);
            int j = S == null ? 0 : Simd.accumulateTile(x, xo, shift, c, rb, re, s1, s2, lanes);
            for (; j < c; j++) {
                float k = shift[j], a1 = 0f, a2 = 0f;
                for (int r = rb, p = xo + rb * c + j; r < re; r++, p += c) {
                    float v = x[p] - k;
                    a1 += v;
                    a2 = Math.fma(v, v, a2);
                }
                s1[j] += a1;
                s2[j] += a2;
            }
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); each returns where the scalar tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int accumulateTile(float[] x, int xo, float[] shift, int c, int rb, int re, double[] s1, double[] s2,
                                  float[] lanes) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector k = FloatVector.fromArray(S, shift, j);
                FloatVector a1 = FloatVector.zero(S), a2 = FloatVector.zero(S);
                for (int r = rb, p = xo + rb * c + j; r < re; r++, p += c) {
                    FloatVector v = FloatVector.fromArray(S, x, p).sub(k);
                    a1 = a1.add(v);
                    a2 = v.fma(v, a2);
                }
                a1.intoArray(lanes, 0);
                a2.intoArray(lanes, L);
                for (int l = 0; l < L; l++) {
                    s1[j + l] += lanes[l];
                    s2[j + l] += lanes[L + l];
                }
            }
            return j;
        }
    }
}

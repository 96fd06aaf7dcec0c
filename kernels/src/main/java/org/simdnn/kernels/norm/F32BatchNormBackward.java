package org.simdnn.kernels.norm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.eltwise.EltSpecies;

/**
 * Batch-norm backward in two passes. {@link #reduce}: per channel {@code sumDy = sum g} and
 * {@code sumDyXc = sum g (x - mean)}, where g = dy, or with the fused ReLU g = (y > 0 ? dy : 0). {@link #apply}:
 * {@code dx = A g + B (x - mean) + C} with per-channel {@code A = gamma invStd}, {@code B = -A invStd^2 sumDyXc / N},
 * {@code C = -A sumDy / N} (folded once by the caller): the textbook {@code dx = gamma invStd / N (N g - sumDy - xhat sum(g xhat))} rearranged so each element
 * costs two FMAs.
 */
public final class F32BatchNormBackward {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    private static final int TILE = F32BatchNormStats.TILE;

    private F32BatchNormBackward() {}

    /** Accumulates rows [r0, r1); y is read only when relu; lanes: scratch of 2 * L floats. */
    public static void reduce(float[] x, int xo, float[] y, int yo, float[] dy, int dyo, float[] mean, int c,
                              boolean relu, int r0, int r1, double[] sumDy, double[] sumDyXc, float[] lanes) {
        for (int rb = r0; rb < r1; rb += TILE) {
            int re = Math.min(r1, rb + TILE);
            int j = S == null ? 0 : Simd.reduceTile(x, xo, y, yo, dy, dyo, mean, c, relu, rb, re, sumDy, sumDyXc, lanes);
            for (; j < c; j++) {
                float mu = mean[j], a1 = 0f, a2 = 0f;
                for (int r = rb, o = rb * c + j; r < re; r++, o += c) {
                    float g = dy[dyo + o];
                    if (relu && !(y[yo + o] > 0f)) g = 0f;
                    a1 += g;
                    a2 = Math.fma(x[xo + o] - mu, g, a2);
                }
                sumDy[j] += a1;
                sumDyXc[j] += a2;
            }
        }
    }

    /** dx = A[c] g + B[c] (x - mean[c]) + C[c] over rows [r0, r1). */
    public static void apply(float[] x, int xo, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo,
                             float[] mean, float[] a,
                             float[] b, float[] cc, int c, boolean relu, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int o = r * c;
            int j = S == null ? 0 : Simd.applyRow(x, xo + o, y, yo + o, dy, dyo + o, dx, dxo + o, mean, a, b, cc, c, relu);
            for (; j < c; j++) {
                float g = dy[dyo + o + j];
                if (relu && !(y[yo + o + j] > 0f)) g = 0f;
                dx[dxo + o + j] = Math.fma(g, a[j], Math.fma(x[xo + o + j] - mean[j], b[j], cc[j]));
            }
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); each returns where the scalar tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int reduceTile(float[] x, int xo, float[] y, int yo, float[] dy, int dyo, float[] mean, int c, boolean relu,
                              int rb, int re, double[] sumDy, double[] sumDyXc, float[] lanes) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector mu = FloatVector.fromArray(S, mean, j);
                FloatVector a1 = FloatVector.zero(S), a2 = FloatVector.zero(S);
                for (int r = rb, o = rb * c + j; r < re; r++, o += c) {
                    FloatVector g = FloatVector.fromArray(S, dy, dyo + o);
                    if (relu) g = g.blend(0f, FloatVector.fromArray(S, y, yo + o).compare(VectorOperators.GT, 0f).not());
                    a1 = a1.add(g);
                    a2 = FloatVector.fromArray(S, x, xo + o).sub(mu).fma(g, a2);
                }
                a1.intoArray(lanes, 0);
                a2.intoArray(lanes, L);
                for (int l = 0; l < L; l++) {
                    sumDy[j + l] += lanes[l];
                    sumDyXc[j + l] += lanes[L + l];
                }
            }
            return j;
        }

        static int applyRow(float[] x, int xo, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, float[] mean,
                            float[] a, float[] b, float[] cc, int c, boolean relu) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector g = FloatVector.fromArray(S, dy, dyo + j);
                if (relu) g = g.blend(0f, FloatVector.fromArray(S, y, yo + j).compare(VectorOperators.GT, 0f).not());
                FloatVector t = FloatVector.fromArray(S, x, xo + j).sub(FloatVector.fromArray(S, mean, j)).fma(FloatVector.fromArray(S, b, j),
                        FloatVector.fromArray(S, cc, j));
                g.fma(FloatVector.fromArray(S, a, j), t).intoArray(dx, dxo + j);
            }
            return j;
        }
    }
}

package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * PReLU over rows of a row-major [rows, c] block with one slope per channel c: {@code y = x > 0 ? x : slope[c] x}.
 * Backward: {@code dx = x > 0 ? dy : slope[c] dy} and {@code dslope[c] += sum over rows of (x > 0 ? 0 : x dy)},
 * accumulated per row block in float then in double.
 */
public final class F32Prelu {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    private static final int ROW_BLOCK = 64;

    private F32Prelu() {}

    public static void forward(float[] x, int xo, float[] slope, int so, float[] y, int yo, int c, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int row = r * c;
            int j = S == null ? 0 : Simd.forwardRow(x, xo + row, slope, so, y, yo + row, c);
            for (; j < c; j++) {
                float v = x[xo + row + j];
                y[yo + row + j] = v <= 0f ? slope[so + j] * v : v;
            }
        }
    }

    /** scratch holds c floats; dslopeAcc (c doubles) is accumulated into. */
    public static void backward(float[] x, int xo, float[] slope, int so, float[] dy, int dyo, float[] dx, int dxo,
                                int c, int r0, int r1, double[] dslopeAcc, float[] scratch) {
        for (int rb = r0; rb < r1; rb += ROW_BLOCK) {
            int re = Math.min(r1, rb + ROW_BLOCK);
            java.util.Arrays.fill(scratch, 0, c, 0f);
            for (int r = rb; r < re; r++) {
                int row = r * c;
                int j = S == null ? 0 : Simd.backwardRow(x, xo + row, slope, so, dy, dyo + row, dx, dxo + row, c, scratch);
                for (; j < c; j++) {
                    float v = x[xo + row + j], g = dy[dyo + row + j];
                    boolean pos = v > 0f;
                    dx[dxo + row + j] = pos ? g : slope[so + j] * g;
                    if (!pos) scratch[j] += v * g;
                }
            }
            for (int j = 0; j < c; j++) dslopeAcc[j] += scratch[j];
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); each returns where the tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int forwardRow(float[] x, int xr, float[] slope, int so, float[] y, int yr, int c) {
            int j = 0;
            for (int ub = c - L; j <= ub; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, xr + j);
                v.blend(v.mul(FloatVector.fromArray(S, slope, so + j)), v.compare(VectorOperators.LE, 0f))
                        .intoArray(y, yr + j);
            }
            return j;
        }

        static int backwardRow(float[] x, int xr, float[] slope, int so, float[] dy, int dyr, float[] dx, int dxr, int c,
                               float[] scratch) {
            int j = 0;
            for (int ub = c - L; j <= ub; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, xr + j);
                FloatVector g = FloatVector.fromArray(S, dy, dyr + j);
                VectorMask<Float> pos = v.compare(VectorOperators.GT, 0f);
                g.mul(FloatVector.fromArray(S, slope, so + j)).blend(g, pos).intoArray(dx, dxr + j);
                FloatVector acc = FloatVector.fromArray(S, scratch, j);
                acc.add(v.mul(g).blend(0f, pos)).intoArray(scratch, j);
            }
            return j;
        }
    }
}

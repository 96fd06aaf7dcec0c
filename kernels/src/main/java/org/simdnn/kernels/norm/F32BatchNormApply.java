package org.simdnn.kernels.norm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.eltwise.EltSpecies;

/**
 * The batch-norm output pass, {@code y = (x - mean[c]) a[c] + beta[c]} (a = gamma invStd, folded once per call),
 * with the ReLU epilogue of {@code fusedRelu} applied before the store so the activation costs no extra
 * pass over memory. Used by training and inference alike. Why not the one-FMA form {@code x a + (beta - mean a)}:
 * it cancels catastrophically when |mean| a >> |y| (a constant channel, or rows = 1, gives a = 1/sqrt(eps)), and
 * the extra subtract is free in a memory-bound loop.
 */
public final class F32BatchNormApply {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32BatchNormApply() {}

    public static void rows(float[] x, int xo, float[] mean, float[] a, float[] b, float[] y, int yo, int c, boolean relu, int r0,
                            int r1) {
        if (relu) {
            rowsRelu(x, xo, mean, a, b, y, yo, c, r0, r1);
            return;
        }
        for (int r = r0; r < r1; r++) {
            int px = xo + r * c, py = yo + r * c;
            int j = S == null ? 0 : Simd.row(x, px, mean, a, b, y, py, c);
            for (; j < c; j++) y[py + j] = Math.fma(x[px + j] - mean[j], a[j], b[j]);
        }
    }

    private static void rowsRelu(float[] x, int xo, float[] mean, float[] a, float[] b, float[] y, int yo, int c, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int px = xo + r * c, py = yo + r * c;
            int j = S == null ? 0 : Simd.rowRelu(x, px, mean, a, b, y, py, c);
            for (; j < c; j++) y[py + j] = Math.max(Math.fma(x[px + j] - mean[j], a[j], b[j]), 0f);
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); each returns where the scalar tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int row(float[] x, int px, float[] mean, float[] a, float[] b, float[] y, int py, int c) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector.fromArray(S, x, px + j).sub(FloatVector.fromArray(S, mean, j)).fma(FloatVector.fromArray(S, a, j), FloatVector.fromArray(S, b, j))
                        .intoArray(y, py + j);
            }
            return j;
        }

        static int rowRelu(float[] x, int px, float[] mean, float[] a, float[] b, float[] y, int py, int c) {
            int j = 0;
            for (; j <= c - L; j += L) {
                FloatVector.fromArray(S, x, px + j).sub(FloatVector.fromArray(S, mean, j)).fma(FloatVector.fromArray(S, a, j), FloatVector.fromArray(S, b, j))
                        .max(0f).intoArray(y, py + j);
            }
            return j;
        }
    }
}

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
    private static final int L = EltSpecies.LANES;

    private F32BatchNormApply() {}

    public static void rows(float[] x, int xo, float[] mean, float[] a, float[] b, float[] y, int yo, int c, boolean relu, int r0,
                            int r1) {
        if (relu) {
            rowsRelu(x, xo, mean, a, b, y, yo, c, r0, r1);
            return;
        }
        for (int r = r0; r < r1; r++) {
            int px = xo + r * c, py = yo + r * c, j = 0;
            if (S != null) {
                for (; j <= c - L; j += L) {
                    FloatVector.fromArray(S, x, px + j).sub(FloatVector.fromArray(S, mean, j)).fma(FloatVector.fromArray(S, a, j), FloatVector.fromArray(S, b, j))
                            .intoArray(y, py + j);
                }
            }
            for (; j < c; j++) y[py + j] = Math.fma(x[px + j] - mean[j], a[j], b[j]);
        }
    }

    private static void rowsRelu(float[] x, int xo, float[] mean, float[] a, float[] b, float[] y, int yo, int c, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int px = xo + r * c, py = yo + r * c, j = 0;
            if (S != null) {
                for (; j <= c - L; j += L) {
                    FloatVector.fromArray(S, x, px + j).sub(FloatVector.fromArray(S, mean, j)).fma(FloatVector.fromArray(S, a, j), FloatVector.fromArray(S, b, j))
                            .max(0f).intoArray(y, py + j);
                }
            }
            for (; j < c; j++) y[py + j] = Math.max(Math.fma(x[px + j] - mean[j], a[j], b[j]), 0f);
        }
    }
}

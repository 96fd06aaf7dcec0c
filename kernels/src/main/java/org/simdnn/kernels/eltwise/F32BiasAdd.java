package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** y[r, c] += bias[c] over rows [r0, r1) of a row-major [rows, c] block. */
public final class F32BiasAdd {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32BiasAdd() {}

    public static void rows(float[] bias, int bo, float[] y, int yo, int c, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int row = yo + r * c;
            int j = S == null ? 0 : Simd.row(bias, bo, y, row, c);
            for (; j < c; j++) y[row + j] += bias[bo + j];
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); returns where the tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int row(float[] bias, int bo, float[] y, int row, int c) {
            int j = 0;
            for (int ub = c - L; j <= ub; j += L) {
                FloatVector.fromArray(S, y, row + j).add(FloatVector.fromArray(S, bias, bo + j)).intoArray(y, row + j);
            }
            return j;
        }
    }
}

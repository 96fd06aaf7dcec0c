package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** y[r, c] += bias[c] over rows [r0, r1) of a row-major [rows, c] block. */
public final class F32BiasAdd {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    private static final int L = EltSpecies.LANES;

    private F32BiasAdd() {}

    public static void rows(float[] bias, int bo, float[] y, int yo, int c, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int row = yo + r * c, j = 0;
            if (S != null) {
                for (int ub = c - L; j <= ub; j += L) {
                    FloatVector.fromArray(S, y, row + j).add(FloatVector.fromArray(S, bias, bo + j)).intoArray(y, row + j);
                }
            }
            for (; j < c; j++) y[row + j] += bias[bo + j];
        }
    }
}

package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Column sums of a row-major [rows, c] block: {@code acc[j] += sum over rows [r0, r1) of x[r, j]}. The caller
 * owns the accumulator (double, so long batches do not lose the small terms) and applies beta.
 */
public final class F32SumRows {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    /** Rows summed in float before the partial is added to the double accumulator. */
    private static final int ROW_BLOCK = 64;

    private F32SumRows() {}

    /** scratch must hold c floats. */
    public static void accumulate(float[] x, int xo, int c, int r0, int r1, double[] acc, float[] scratch) {
        for (int rb = r0; rb < r1; rb += ROW_BLOCK) {
            int re = Math.min(r1, rb + ROW_BLOCK);
            java.util.Arrays.fill(scratch, 0, c, 0f);
            for (int r = rb; r < re; r++) {
                int row = xo + r * c;
                int j = S == null ? 0 : Simd.addRow(x, row, scratch, c);
                for (; j < c; j++) scratch[j] += x[row + j];
            }
            for (int j = 0; j < c; j++) acc[j] += scratch[j];
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); returns where the tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int addRow(float[] x, int row, float[] scratch, int c) {
            int j = 0;
            for (int ub = c - L; j <= ub; j += L) {
                FloatVector.fromArray(S, scratch, j).add(FloatVector.fromArray(S, x, row + j)).intoArray(scratch, j);
            }
            return j;
        }
    }
}

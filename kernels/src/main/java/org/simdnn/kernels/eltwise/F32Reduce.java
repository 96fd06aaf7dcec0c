package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Full reductions returning double: {@code sum} and {@code sumSquares}. Floats are summed in vector lanes over
 * blocks of {@link #BLOCK} elements and each block's total is added in double, so the error grows with the
 * block length, not with n (relative error about BLOCK/lanes * eps of the sum of magnitudes).
 */
public final class F32Reduce {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    /** Elements per float partial sum; a multiple of every vector length. */
    static final int BLOCK = 1024;

    private F32Reduce() {}

    public static double sum(float[] x, int xo, int n) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) total += sumBlock(x, xo + b, Math.min(BLOCK, n - b));
        return total;
    }

    public static double sumSquares(float[] x, int xo, int n) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) total += sumSquaresBlock(x, xo + b, Math.min(BLOCK, n - b));
        return total;
    }

    private static double sumBlock(float[] x, int xo, int n) {
        if (S != null) return Simd.sumBlock(x, xo, n);
        double t = 0;
        for (int i = 0; i < n; i++) t += x[xo + i];
        return t;
    }

    private static double sumSquaresBlock(float[] x, int xo, int n) {
        if (S != null) return Simd.sumSquaresBlock(x, xo, n);
        double t = 0;
        for (int i = 0; i < n; i++) t += (double) x[xo + i] * x[xo + i];
        return t;
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}). */
    static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        private Simd() {}

        /**
         * Sum of the lanes in lane order, in double. Not {@code reduceLanes(ADD)}: its float order is unspecified and
         * differs between the interpreter/C1 fallback and the C2 intrinsic, so the same call gave different bits
         * before and after JIT compilation (caught by the repeatability test at 128 and 256 bits).
         */
        static double lanesInOrder(FloatVector v) {
            double t = 0;
            for (int l = 0; l < L; l++) t += v.lane(l);
            return t;
        }

        static double sumBlock(float[] x, int xo, int n) {
            int i = 0;
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            for (int ub = n - 2 * L; i <= ub; i += 2 * L) {
                a0 = a0.add(FloatVector.fromArray(S, x, xo + i));
                a1 = a1.add(FloatVector.fromArray(S, x, xo + i + L));
            }
            double t = lanesInOrder(a0.add(a1));
            for (; i < n; i++) t += x[xo + i];
            return t;
        }

        static double sumSquaresBlock(float[] x, int xo, int n) {
            int i = 0;
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
            for (int ub = n - 2 * L; i <= ub; i += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(S, x, xo + i), v1 = FloatVector.fromArray(S, x, xo + i + L);
                a0 = v0.fma(v0, a0);
                a1 = v1.fma(v1, a1);
            }
            double t = lanesInOrder(a0.add(a1));
            for (; i < n; i++) t += (double) x[xo + i] * x[xo + i];
            return t;
        }
    }
}

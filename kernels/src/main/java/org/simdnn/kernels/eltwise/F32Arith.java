package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Streaming elementwise arithmetic on contiguous ranges: {@code add}, {@code mul}, {@code scale}, {@code axpy}.
 * Vector body plus scalar tail; outputs may alias inputs (each element is read before it is written, at the
 * same index). Memory-bound: the caller splits large ranges across threads. The vector bodies live in
 * {@link Simd}, which is linked only when {@link EltSpecies#F} is set (see {@link EltSpecies}).
 */
public final class F32Arith {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32Arith() {}

    /** o[i] = a[i] + b[i] for i in [0, n). */
    public static void add(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = S == null ? 0 : Simd.add(a, ao, b, bo, o, oo, n);
        for (; i < n; i++) o[oo + i] = a[ao + i] + b[bo + i];
    }

    /** o[i] = a[i] * b[i]. */
    public static void mul(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        int i = S == null ? 0 : Simd.mul(a, ao, b, bo, o, oo, n);
        for (; i < n; i++) o[oo + i] = a[ao + i] * b[bo + i];
    }

    /** o[i] = alpha * x[i]. */
    public static void scale(float alpha, float[] x, int xo, float[] o, int oo, int n) {
        int i = S == null ? 0 : Simd.scale(alpha, x, xo, o, oo, n);
        for (; i < n; i++) o[oo + i] = alpha * x[xo + i];
    }

    /** y[i] += alpha * x[i], as one fused multiply-add per element (so every width gives the same bits). */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = S == null ? 0 : Simd.axpy(alpha, x, xo, y, yo, n);
        for (; i < n; i++) y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
    }

    /** The whole vectors of each op; each returns the index where the scalar tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int add(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
            }
            return i;
        }

        static int mul(float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i);
            }
            return i;
        }

        static int scale(float alpha, float[] x, int xo, float[] o, int oo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) FloatVector.fromArray(S, x, xo + i).mul(alpha).intoArray(o, oo + i);
            return i;
        }

        static int axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.FMA, alpha, FloatVector.fromArray(S, y, yo + i))
                        .intoArray(y, yo + i);
            }
            return i;
        }
    }
}

package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise softmax, log-softmax and softmax cross-entropy over a row-major [rows, k] block. Every row is shifted
 * by its maximum first, so logits of any magnitude (±1000 included) stay finite; a NaN anywhere in a row makes
 * that row's outputs (and the loss) NaN, and a +Inf logit gives NaN (Inf - Inf), as in the reference.
 * Three passes per row (max, exp-and-sum, write), each a vector body with a scalar tail; exp is {@link F32Exp}.
 */
public final class F32Softmax {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    private static final int L = EltSpecies.LANES;

    private F32Softmax() {}

    static float rowMax(float[] x, int o, int k) {
        int j = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (S != null && k >= L) {
            m = Simd.rowMax(x, o, k);
            j = k - k % L;
        }
        for (; j < k; j++) m = maxNaN(m, x[o + j]);
        return m;
    }

    private static float maxNaN(float a, float b) { return Math.max(a, b); }

    /** y[j] = exp(x[j] - m) (y may be null: only the sum is wanted); returns the sum. */
    static float expShiftSum(float[] x, int o, float m, float[] y, int yo, int k) {
        int j = 0;
        float s = 0f;
        if (S != null) {
            s = Simd.expShiftSum(x, o, m, y, yo, k);
            j = k - k % L;
        }
        for (; j < k; j++) {
            float e = F32Exp.exp(x[o + j] - m);
            if (y != null) y[yo + j] = e;
            s += e;
        }
        return s;
    }

    public static void softmax(float[] x, int xo, float[] y, int yo, int k, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int o = xo + r * k, yr = yo + r * k;
            float m = rowMax(x, o, k);
            float inv = 1f / expShiftSum(x, o, m, y, yr, k);
            F32Arith.scale(inv, y, yr, y, yr, k);
        }
    }

    public static void logSoftmax(float[] x, int xo, float[] y, int yo, int k, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int o = xo + r * k, yr = yo + r * k;
            float m = rowMax(x, o, k);
            float logS = (float) Math.log(expShiftSum(x, o, m, null, 0, k));
            int j = S == null ? 0 : Simd.shiftRow(x, o, m, logS, y, yr, k);
            for (; j < k; j++) y[yr + j] = (x[o + j] - m) - logS;
        }
    }

    /**
     * Sum over rows [r0, r1) of the label-smoothed cross-entropy (targets (1-eps) one-hot + eps/k); if dlogits is
     * non-null it receives (softmax - target) * gradScale. Labels must already be checked to lie in [0, k).
     */
    public static double crossEntropy(float[] x, int xo, int[] labels, float eps, float[] dl, int dlo, float gradScale,
                                      int k, int r0, int r1) {
        double total = 0;
        float off = eps / k, on = 1f - eps + eps / k;
        for (int r = r0; r < r1; r++) {
            int o = xo + r * k, label = labels[r];
            float m = rowMax(x, o, k);
            float s = expShiftSum(x, o, m, dl, dl == null ? 0 : dlo + r * k, k);
            double logS = Math.log(s);
            // loss = sum_j q_j (logS - (x_j - m)) = logS - sum_j q_j (x_j - m), with sum_j q_j = 1
            double shifted = 0;
            for (int j = 0; j < k; j++) shifted += (double) x[o + j] - m;
            double loss = logS - ((1.0 - eps) * ((double) x[o + label] - m) + eps * shifted / k);
            total += loss;
            if (dl != null) {
                int d = dlo + r * k;
                float a = gradScale / s, b = -off * gradScale;
                int j = S == null ? 0 : Simd.fmaRow(dl, d, a, b, k);
                for (; j < k; j++) dl[d + j] = Math.fma(dl[d + j], a, b);
                dl[d + label] -= (on - off) * gradScale;
            }
        }
        return total;
    }

    /**
     * The vector bodies over the whole vectors of a row (the first {@code k - k % L} elements); linked only when the
     * Vector API is in use (see {@link EltSpecies}).
     */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        /** Needs k >= L. */
        static float rowMax(float[] x, int o, int k) {
            FloatVector mv = FloatVector.fromArray(S, x, o);
            for (int j = L; j <= k - L; j += L) mv = mv.max(FloatVector.fromArray(S, x, o + j));
            return mv.reduceLanes(VectorOperators.MAX);
        }

        static float expShiftSum(float[] x, int o, float m, float[] y, int yo, int k) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j <= k - L; j += L) {
                FloatVector e = F32Exp.Simd.exp(FloatVector.fromArray(S, x, o + j).sub(m));
                if (y != null) e.intoArray(y, yo + j);
                acc = acc.add(e);
            }
            return (float) F32Reduce.Simd.lanesInOrder(acc); // fixed order: same bits before and after JIT
        }

        static int shiftRow(float[] x, int o, float m, float logS, float[] y, int yr, int k) {
            int j = 0;
            for (; j <= k - L; j += L) FloatVector.fromArray(S, x, o + j).sub(m).sub(logS).intoArray(y, yr + j);
            return j;
        }

        static int fmaRow(float[] dl, int d, float a, float b, int k) {
            int j = 0;
            for (; j <= k - L; j += L) FloatVector.fromArray(S, dl, d + j).fma(a, b).intoArray(dl, d + j);
            return j;
        }
    }
}

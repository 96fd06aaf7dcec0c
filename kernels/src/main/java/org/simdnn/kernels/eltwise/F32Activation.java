package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.ops.Activation;

/**
 * Pointwise activations forward and backward on a contiguous range, one loop per activation so each loop body
 * is small enough to inline. Semantics (the reference implements the same):
 * <ul>
 * <li>RELU/LEAKY_RELU: x > 0 ? x : 0 (alpha x); NaN stays NaN. Gradient: x > 0 ? dy : 0 (alpha dy).
 * <li>TANH: odd Taylor series below |x| = 0.3 (no cancellation near 0), {@code 1 - 2/(e^{2|x|}+1)} with the
 *     sign of x above. Gradient dy (1 - y^2).
 * <li>SIGMOID: 1 / (1 + e^-x) with {@link F32Exp}. Gradient dy y (1 - y).
 * <li>SIGN: +1 for {@code x >= 0} (including -0), -1 for {@code x < 0}, NaN for NaN. Gradient 0 everywhere (dx = 0 even
 *     where dy is NaN).
 * </ul>
 */
public final class F32Activation {
    private static final VectorSpecies<Float> S = EltSpecies.F;
    private static final float TANH_SMALL = 0.3f;
    private static final float T3 = -1f / 3, T5 = 2f / 15, T7 = -17f / 315, T9 = 62f / 2835, T11 = -1382f / 155925;

    private F32Activation() {}

    public static void forward(Activation act, float alpha, float[] x, int xo, float[] y, int yo, int n) {
        switch (act) {
            case IDENTITY -> System.arraycopy(x, xo, y, yo, n);
            case RELU -> relu(x, xo, y, yo, n);
            case LEAKY_RELU -> leakyRelu(alpha, x, xo, y, yo, n);
            case TANH -> tanh(x, xo, y, yo, n);
            case SIGMOID -> sigmoid(x, xo, y, yo, n);
            case SIGN -> sign(x, xo, y, yo, n);
        }
    }

    public static void backward(Activation act, float alpha, float[] x, int xo, float[] y, int yo, float[] dy, int dyo,
                                float[] dx, int dxo, int n) {
        switch (act) {
            case IDENTITY -> System.arraycopy(dy, dyo, dx, dxo, n);
            case RELU -> leakyReluBackward(0f, x, xo, dy, dyo, dx, dxo, n);
            case LEAKY_RELU -> leakyReluBackward(alpha, x, xo, dy, dyo, dx, dxo, n);
            case TANH -> tanhBackward(y, yo, dy, dyo, dx, dxo, n);
            case SIGMOID -> sigmoidBackward(y, yo, dy, dyo, dx, dxo, n);
            case SIGN -> java.util.Arrays.fill(dx, dxo, dxo + n, 0f);
        }
    }

    static void relu(float[] x, int xo, float[] y, int yo, int n) {
        int i = S == null ? 0 : Simd.relu(x, xo, y, yo, n);
        for (; i < n; i++) y[yo + i] = Math.max(x[xo + i], 0f);
    }

    static void leakyRelu(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = S == null ? 0 : Simd.leakyRelu(alpha, x, xo, y, yo, n);
        for (; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = v <= 0f ? alpha * v : v;
        }
    }

    static void leakyReluBackward(float alpha, float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = S == null ? 0 : Simd.leakyReluBackward(alpha, x, xo, dy, dyo, dx, dxo, n);
        for (; i < n; i++) {
            float g = dy[dyo + i];
            dx[dxo + i] = x[xo + i] > 0f ? g : (alpha == 0f ? 0f : alpha * g);
        }
    }

    static float tanh(float x) {
        float a = Math.abs(x);
        if (a < TANH_SMALL) {
            float x2 = x * x;
            float p = Math.fma(x2, T11, T9);
            p = Math.fma(p, x2, T7);
            p = Math.fma(p, x2, T5);
            p = Math.fma(p, x2, T3);
            return Math.fma(p * x2, x, x);
        }
        float e = F32Exp.exp(a + a);
        return Math.copySign(1f - 2f / (e + 1f), x);
    }

    static void tanh(float[] x, int xo, float[] y, int yo, int n) {
        int i = S == null ? 0 : Simd.tanh(x, xo, y, yo, n);
        for (; i < n; i++) y[yo + i] = tanh(x[xo + i]);
    }

    static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        int i = S == null ? 0 : Simd.sigmoid(x, xo, y, yo, n);
        for (; i < n; i++) y[yo + i] = 1f / (1f + F32Exp.exp(-x[xo + i]));
    }

    static void sign(float[] x, int xo, float[] y, int yo, int n) {
        int i = S == null ? 0 : Simd.sign(x, xo, y, yo, n);
        for (; i < n; i++) {
            float v = x[xo + i];
            y[yo + i] = v >= 0f ? 1f : (v < 0f ? -1f : v);
        }
    }

    static void tanhBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = S == null ? 0 : Simd.tanhBackward(y, yo, dy, dyo, dx, dxo, n);
        for (; i < n; i++) {
            float t = y[yo + i];
            dx[dxo + i] = Math.fma(-t, t, 1f) * dy[dyo + i];
        }
    }

    static void sigmoidBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
        int i = S == null ? 0 : Simd.sigmoidBackward(y, yo, dy, dyo, dx, dxo, n);
        for (; i < n; i++) {
            float s = y[yo + i];
            dx[dxo + i] = (1f - s) * s * dy[dyo + i];
        }
    }

    /** The vector bodies, each returning where the scalar tail starts; linked only when the Vector API is in use. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static FloatVector tanh(FloatVector x) {
            FloatVector a = x.abs();
            FloatVector e = F32Exp.Simd.exp(a.add(a));
            FloatVector big = FloatVector.broadcast(x.species(), 1f).sub(FloatVector.broadcast(x.species(), 2f).div(e.add(1f)));
            IntVector sign = x.reinterpretAsInts().and(0x80000000);
            big = big.reinterpretAsInts().or(sign).reinterpretAsFloats();
            FloatVector x2 = x.mul(x);
            FloatVector p = x2.fma(T11, T9);
            p = p.lanewise(VectorOperators.FMA, x2, T7);
            p = p.lanewise(VectorOperators.FMA, x2, T5);
            p = p.lanewise(VectorOperators.FMA, x2, T3);
            FloatVector small = p.mul(x2).fma(x, x);
            return big.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
        }

        static int relu(float[] x, int xo, float[] y, int yo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
            return i;
        }

        static int leakyRelu(float alpha, float[] x, int xo, float[] y, int yo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i);
                v.blend(v.mul(alpha), v.compare(VectorOperators.LE, 0f)).intoArray(y, yo + i);
            }
            return i;
        }

        static int leakyReluBackward(float alpha, float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
                VectorMask<Float> pos = FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f);
                FloatVector neg = alpha == 0f ? FloatVector.zero(S) : g.mul(alpha);
                neg.blend(g, pos).intoArray(dx, dxo + i);
            }
            return i;
        }

        static int tanh(float[] x, int xo, float[] y, int yo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
            return i;
        }

        static int sigmoid(float[] x, int xo, float[] y, int yo, int n) {
            int i = 0;
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (int ub = n - L; i <= ub; i += L) {
                one.div(F32Exp.Simd.exp(FloatVector.fromArray(S, x, xo + i).neg()).add(1f)).intoArray(y, yo + i);
            }
            return i;
        }

        static int sign(float[] x, int xo, float[] y, int yo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i);
                FloatVector s = FloatVector.broadcast(S, -1f).blend(1f, v.compare(VectorOperators.GE, 0f));
                s.blend(v, v.compare(VectorOperators.NE, v)).intoArray(y, yo + i);
            }
            return i;
        }

        static int tanhBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector t = FloatVector.fromArray(S, y, yo + i);
                t.neg().lanewise(VectorOperators.FMA, t, 1f).mul(FloatVector.fromArray(S, dy, dyo + i)).intoArray(dx, dxo + i);
            }
            return i;
        }

        static int sigmoidBackward(float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, int n) {
            int i = 0;
            for (int ub = n - L; i <= ub; i += L) {
                FloatVector s = FloatVector.fromArray(S, y, yo + i);
                s.neg().add(1f).mul(s).mul(FloatVector.fromArray(S, dy, dyo + i)).intoArray(dx, dxo + i);
            }
            return i;
        }
    }
}

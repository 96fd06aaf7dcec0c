package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp(x) in float, one vector at a time, and the same algorithm in scalar form for tails (so every vector width
 * returns the same bits). Cody-Waite reduction {@code x = n ln2 + r}, {@code |r| <= ln2/2}, a degree-7 Taylor
 * polynomial for e^r in Horner form with FMAs (truncation below 1e-8 relative), and 2^n built in the exponent
 * bits in two halves so n = 128 does not overflow the exponent field. Error about 2 ulp over the float range
 * (checked against Math.exp in the tests). Above ln(Float.MAX_VALUE) it returns +Infinity; below
 * ln(Float.MIN_NORMAL) it returns 0 (results that would be subnormal are flushed). NaN gives NaN.
 *
 * <p>Why not {@code VectorOperators.EXP}: it calls out to a shared SVML/SLEEF stub per vector; an inlined
 * polynomial lets C2 keep the activation loop in registers and fuse the surrounding arithmetic.
 */
public final class F32Exp {
    static final float HI = 88.72283f;   // ln(Float.MAX_VALUE)
    static final float LO = -87.33654f;  // ln(Float.MIN_NORMAL)
    private static final float LOG2E = 1.44269504f;
    private static final float MAGIC = 12582912f;  // 1.5 * 2^23: adding it rounds to an integer in the low bits
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    private F32Exp() {}

    public static float exp(float x) {
        if (x > HI) return Float.POSITIVE_INFINITY;
        if (x < LO) return 0f;
        if (x != x) return x;
        float t = Math.fma(x, LOG2E, MAGIC);
        float n = t - MAGIC;
        int ni = Float.floatToRawIntBits(t) - MAGIC_BITS;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int h = ni >> 1;
        return p * Float.intBitsToFloat((h + 127) << 23) * Float.intBitsToFloat((ni - h + 127) << 23);
    }

    /** Fills o[i] = exp(x[i]) (used by tests and softmax). */
    public static void exp(float[] x, int xo, float[] o, int oo, int n) {
        int i = EltSpecies.F == null ? 0 : Simd.exp(x, xo, o, oo, n);
        for (; i < n; i++) o[oo + i] = exp(x[xo + i]);
    }

    /** The vector form; linked only when the Vector API is in use (see {@link EltSpecies}). */
    static final class Simd {
        private Simd() {}

        static FloatVector exp(FloatVector x) {
            FloatVector xc = x.max(LO).min(HI);
            FloatVector t = xc.fma(LOG2E, MAGIC);
            FloatVector n = t.sub(MAGIC);
            IntVector ni = t.reinterpretAsInts().sub(MAGIC_BITS);
            FloatVector r = n.lanewise(VectorOperators.FMA, -LN2_HI, xc);
            r = n.lanewise(VectorOperators.FMA, -LN2_LO, r);
            FloatVector p = r.fma(C7, C6);
            p = p.lanewise(VectorOperators.FMA, r, C5);
            p = p.lanewise(VectorOperators.FMA, r, C4);
            p = p.lanewise(VectorOperators.FMA, r, C3);
            p = p.lanewise(VectorOperators.FMA, r, C2);
            p = p.lanewise(VectorOperators.FMA, r, 1f);
            p = p.lanewise(VectorOperators.FMA, r, 1f);
            IntVector h = ni.lanewise(VectorOperators.ASHR, 1);
            FloatVector s1 = h.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector s2 = ni.sub(h).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(s1).mul(s2);
            e = e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, HI));
            return e.blend(0f, x.compare(VectorOperators.LT, LO));
        }

        static int exp(float[] x, int xo, float[] o, int oo, int n) {
            int i = 0;
            for (int ub = n - EltSpecies.LANES; i <= ub; i += EltSpecies.LANES) {
                exp(FloatVector.fromArray(EltSpecies.F, x, xo + i)).intoArray(o, oo + i);
            }
            return i;
        }
    }
}

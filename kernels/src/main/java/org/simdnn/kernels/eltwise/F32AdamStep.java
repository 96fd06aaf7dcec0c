package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.ops.AdamStep;

/**
 * One fused pass of {@link AdamStep}'s rule over [from, to): w, grad, m, v read once, w, m, v written once. The
 * bias corrections are computed once per call in double: {@code a = lr / (1 - beta1^t)},
 * {@code c = 1 / (1 - beta2^t)}, then per element {@code w = keep w - a m / (sqrt(c v) + eps)}.
 */
public final class F32AdamStep {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32AdamStep() {}

    public static void step(AdamStep s, float[] w, int wo, float[] g, int go, float[] m, int mo, float[] v, int vo,
                            int from, int to) {
        float b1 = s.beta1(), b2 = s.beta2(), eps = s.epsilon();
        float nb1 = 1f - b1, nb2 = 1f - b2;
        float a = (float) (s.lr() / (1 - Math.pow(b1, s.step())));
        float c = (float) (1 / (1 - Math.pow(b2, s.step())));
        float l2 = s.decoupled() ? 0f : s.weightDecay();
        float keep = s.decoupled() ? 1f - s.lr() * s.weightDecay() : 1f;
        int i = S == null ? from : Simd.step(b1, b2, eps, a, c, l2, keep, w, wo, g, go, m, mo, v, vo, from, to);
        for (; i < to; i++) {
            float wv = w[wo + i];
            float gv = Math.fma(wv, l2, g[go + i]);
            float mv = m[mo + i] * b1 + gv * nb1;
            float vv = v[vo + i] * b2 + gv * gv * nb2;
            m[mo + i] = mv;
            v[vo + i] = vv;
            w[wo + i] = wv * keep - mv * a / ((float) Math.sqrt(vv * c) + eps);
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); returns where the tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int step(float b1, float b2, float eps, float a, float c, float l2, float keep, float[] w, int wo, float[] g,
                        int go, float[] m, int mo, float[] v, int vo, int from, int to) {
            float nb1 = 1f - b1, nb2 = 1f - b2;
            int i = from;
            for (int ub = to - L; i <= ub; i += L) {
                FloatVector wv = FloatVector.fromArray(S, w, wo + i);
                FloatVector gv = wv.lanewise(VectorOperators.FMA, l2, FloatVector.fromArray(S, g, go + i));
                FloatVector mv = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gv.mul(nb1));
                FloatVector vv = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gv.mul(gv).mul(nb2));
                mv.intoArray(m, mo + i);
                vv.intoArray(v, vo + i);
                FloatVector upd = mv.mul(a).div(vv.mul(c).sqrt().add(eps));
                wv.mul(keep).sub(upd).intoArray(w, wo + i);
            }
            return i;
        }
    }
}

package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.ops.SgdStep;

/**
 * One fused pass of {@link SgdStep}'s rule over [from, to): reads w, grad (and the momentum buffer), writes w (and
 * the buffer) once. The rule's switches are loop-invariant, so each variant gets its own small loop.
 */
public final class F32SgdStep {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32SgdStep() {}

    public static void step(SgdStep s, float[] w, int wo, float[] g, int go, float[] buf, int bo, int from, int to) {
        float lr = s.lr(), mom = s.momentum(), wd = s.weightDecay();
        float l2 = s.decoupledWeightDecay() ? 0f : wd;
        // w - lr*d - lr*wd*w = (1 - lr*wd) w - lr d for decoupled decay
        float keep = s.decoupledWeightDecay() ? 1f - lr * wd : 1f;
        if (mom == 0f) {
            plain(lr, l2, keep, w, wo, g, go, from, to);
        } else {
            momentum(lr, l2, keep, mom, 1f - s.dampening(), s.nesterov(), s.firstStep(), w, wo, g, go, buf, bo, from, to);
        }
    }

    private static void plain(float lr, float l2, float keep, float[] w, int wo, float[] g, int go, int from, int to) {
        int i = S == null ? from : Simd.plain(lr, l2, keep, w, wo, g, go, from, to);
        for (; i < to; i++) {
            float wv = w[wo + i];
            float gv = Math.fma(wv, l2, g[go + i]);
            w[wo + i] = wv * keep - gv * lr;
        }
    }

    private static void momentum(float lr, float l2, float keep, float mom, float undamp, boolean nesterov,
                                 boolean first, float[] w, int wo, float[] g, int go, float[] buf, int bo, int from,
                                 int to) {
        int i = S == null ? from : Simd.momentum(lr, l2, keep, mom, undamp, nesterov, first, w, wo, g, go, buf, bo, from, to);
        for (; i < to; i++) {
            float wv = w[wo + i];
            float gv = Math.fma(wv, l2, g[go + i]);
            float b = first ? gv : buf[bo + i] * mom + gv * undamp;
            buf[bo + i] = b;
            float d = nesterov ? Math.fma(b, mom, gv) : b;
            w[wo + i] = wv * keep - d * lr;
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); each returns where the tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final int L = EltSpecies.LANES;

        static int plain(float lr, float l2, float keep, float[] w, int wo, float[] g, int go, int from, int to) {
            int i = from;
            for (int ub = to - L; i <= ub; i += L) {
                FloatVector wv = FloatVector.fromArray(S, w, wo + i);
                FloatVector gv = wv.lanewise(VectorOperators.FMA, l2, FloatVector.fromArray(S, g, go + i));
                wv.mul(keep).sub(gv.mul(lr)).intoArray(w, wo + i);
            }
            return i;
        }

        static int momentum(float lr, float l2, float keep, float mom, float undamp, boolean nesterov, boolean first,
                            float[] w, int wo, float[] g, int go, float[] buf, int bo, int from, int to) {
            int i = from;
            for (int ub = to - L; i <= ub; i += L) {
                FloatVector wv = FloatVector.fromArray(S, w, wo + i);
                FloatVector gv = wv.lanewise(VectorOperators.FMA, l2, FloatVector.fromArray(S, g, go + i));
                FloatVector b = first ? gv : FloatVector.fromArray(S, buf, bo + i).mul(mom).add(gv.mul(undamp));
                b.intoArray(buf, bo + i);
                FloatVector d = nesterov ? b.lanewise(VectorOperators.FMA, mom, gv) : b;
                wv.mul(keep).sub(d.mul(lr)).intoArray(w, wo + i);
            }
            return i;
        }
    }
}

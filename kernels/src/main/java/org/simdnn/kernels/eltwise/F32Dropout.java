package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inverted dropout with a counter-based mask: element i is kept iff {@code DropoutHash.bits(k0, k1, i) >>> 8 >=
 * threshold} (24-bit uniform against round(p 2^24)), so the mask depends only on (seed, i), never on the thread
 * split or the vector width. Kept elements are scaled by 1/(1-p); the mask tensor stores 0 or 1/(1-p).
 */
public final class F32Dropout {
    private static final VectorSpecies<Float> S = EltSpecies.F;

    private F32Dropout() {}

    /** 24-bit threshold for drop probability p in [0, 1]: drop iff the 24-bit draw is below it. */
    public static int threshold(float p) {
        return (int) Math.min(1 << 24, Math.round((double) p * (1 << 24)));
    }

    /** Elements [from, to): y = x * mask, mask = keep ? scale : 0. */
    public static void forward(long seed, int threshold, float scale, float[] x, int xo, float[] y, int yo,
                               float[] mask, int mo, int from, int to) {
        int k0 = DropoutHash.key0(seed), k1 = DropoutHash.key1(seed);
        int i = S == null ? from : Simd.forward(k0, k1, threshold, scale, x, xo, y, yo, mask, mo, from, to);
        for (; i < to; i++) {
            float mv = (DropoutHash.bits(k0, k1, i) >>> 8) >= threshold ? scale : 0f;
            mask[mo + i] = mv;
            y[yo + i] = x[xo + i] * mv;
        }
    }

    /** Linked only when the Vector API is in use (see {@link EltSpecies}); returns where the tail starts. */
    private static final class Simd {
        private static final VectorSpecies<Float> S = EltSpecies.F;
        private static final VectorSpecies<Integer> SI = EltSpecies.I;
        private static final int L = EltSpecies.LANES;

        static int forward(int k0, int k1, int threshold, float scale, float[] x, int xo, float[] y, int yo, float[] mask,
                           int mo, int from, int to) {
            int i = from;
            IntVector iota = IntVector.zero(SI).addIndex(1);
            for (int ub = to - L; i <= ub; i += L) {
                IntVector h = DropoutHash.Simd.bits(k0, k1, iota.add(i));
                VectorMask<Float> keep = h.lanewise(VectorOperators.LSHR, 8).compare(VectorOperators.GE, threshold)
                        .cast(S);
                FloatVector mv = FloatVector.zero(S).blend(scale, keep);
                mv.intoArray(mask, mo + i);
                FloatVector.fromArray(S, x, xo + i).mul(mv).intoArray(y, yo + i);
            }
            return i;
        }
    }
}

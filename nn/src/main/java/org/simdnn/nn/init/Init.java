package org.simdnn.nn.init;

import java.util.SplittableRandom;
import org.simdnn.tensor.Tensor;

/**
 * Weight initialisation schemes. Each fills a tensor from a {@link SplittableRandom}, so a run started from the
 * same seed is reproducible bit for bit (the draw order is the tensor's row-major order).
 * <ul>
 *   <li>He/Kaiming (He et al. 2015, for ReLU): variance {@code 2 / fanIn}; uniform bound {@code sqrt(6 / fanIn)}.</li>
 *   <li>Xavier/Glorot (Glorot &amp; Bengio 2010, for tanh/sigmoid): variance {@code 2 / (fanIn + fanOut)};
 *       uniform bound {@code sqrt(6 / (fanIn + fanOut))}.</li>
 * </ul>
 * Fans: a dense layer [in, out] has fanIn = in, fanOut = out; a convolution kH x kW x inC/groups x outC has
 * fanIn = kH·kW·inC/groups, fanOut = kH·kW·outC/groups.
 */
public enum Init {
    KAIMING_UNIFORM, KAIMING_NORMAL, XAVIER_UNIFORM, XAVIER_NORMAL;

    /** Standard deviation of this scheme for the given fans. */
    public double std(int fanIn, int fanOut) {
        if (fanIn < 1 || fanOut < 1) throw new IllegalArgumentException(this + ": fans must be >= 1, got in " + fanIn
                + ", out " + fanOut);
        return switch (this) {
            case KAIMING_UNIFORM, KAIMING_NORMAL -> Math.sqrt(2.0 / fanIn);
            case XAVIER_UNIFORM, XAVIER_NORMAL -> Math.sqrt(2.0 / (fanIn + fanOut));
        };
    }

    /** Fills {@code t} (every element, any strides) with draws of this scheme. */
    public void fill(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
        double std = std(fanIn, fanOut);
        boolean uniform = this == KAIMING_UNIFORM || this == XAVIER_UNIFORM;
        double bound = Math.sqrt(3) * std; // U(-b, b) has variance b^2 / 3
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (uniform ? rng.nextDouble(-bound, bound) : std * rng.nextGaussian());
        }
        t.copyFrom(Tensor.wrap(v, t.shape()));
    }

    /** A new generator for {@code seed}. */
    public static SplittableRandom rng(long seed) { return new SplittableRandom(seed); }
}

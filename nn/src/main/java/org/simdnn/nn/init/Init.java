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
 *   <li>{@link #TORCH_DEFAULT}: what PyTorch's {@code nn.Linear} and {@code nn.Conv2d} do in
 *       {@code reset_parameters}: {@code kaiming_uniform_(a = sqrt(5))}, i.e. uniform with bound
 *       {@code 1 / sqrt(fanIn)} (variance {@code 1 / (3 fanIn)}, a sixth of He's), and the bias uniform with the
 *       same bound instead of zero ({@link #fillBias}). With batch norm after a layer its scale does not change the
 *       function, but it does change the effective learning rate (a step moves small weights further in angle), so
 *       it matters for matching PyTorch's training curve.</li>
 * </ul>
 * Fans: a dense layer [in, out] has fanIn = in, fanOut = out; a convolution kH x kW x inC/groups x outC has
 * fanIn = kH·kW·inC/groups, fanOut = kH·kW·outC/groups.
 */
public enum Init {
    KAIMING_UNIFORM, KAIMING_NORMAL, XAVIER_UNIFORM, XAVIER_NORMAL, TORCH_DEFAULT;

    /** Standard deviation of this scheme for the given fans. */
    public double std(int fanIn, int fanOut) {
        if (fanIn < 1 || fanOut < 1) throw new IllegalArgumentException(this + ": fans must be >= 1, got in " + fanIn
                + ", out " + fanOut);
        return switch (this) {
            case KAIMING_UNIFORM, KAIMING_NORMAL -> Math.sqrt(2.0 / fanIn);
            case XAVIER_UNIFORM, XAVIER_NORMAL -> Math.sqrt(2.0 / (fanIn + fanOut));
            case TORCH_DEFAULT -> 1 / Math.sqrt(3.0 * fanIn);
        };
    }

    /** Fills {@code t} (every element, any strides) with draws of this scheme. */
    public void fill(Tensor t, int fanIn, int fanOut, SplittableRandom rng) {
        double std = std(fanIn, fanOut);
        boolean uniform = isUniform();
        double bound = Math.sqrt(3) * std; // U(-b, b) has variance b^2 / 3
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (uniform ? rng.nextDouble(-bound, bound) : std * rng.nextGaussian());
        }
        t.copyFrom(Tensor.wrap(v, t.shape()));
    }

    /** Whether the weights are drawn from a uniform distribution (else a normal one). */
    public boolean isUniform() { return this == KAIMING_UNIFORM || this == XAVIER_UNIFORM || this == TORCH_DEFAULT; }

    /**
     * Fills a bias of a layer with fan-in {@code fanIn}: zero for the He and Glorot schemes, uniform in
     * {@code ±1/sqrt(fanIn)} for {@link #TORCH_DEFAULT} (PyTorch's bias rule). Draws nothing from {@code rng} for a
     * zero bias, so those schemes' weights do not depend on whether a layer has a bias.
     */
    public void fillBias(Tensor bias, int fanIn, SplittableRandom rng) {
        if (fanIn < 1) throw new IllegalArgumentException(this + ": fan-in must be >= 1, got " + fanIn);
        if (this != TORCH_DEFAULT) {
            bias.fill(0f);
            return;
        }
        double bound = 1 / Math.sqrt(fanIn);
        float[] v = new float[bias.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextDouble(-bound, bound);
        bias.copyFrom(Tensor.wrap(v, bias.shape()));
    }

    /** A new generator for {@code seed}. */
    public static SplittableRandom rng(long seed) { return new SplittableRandom(seed); }
}

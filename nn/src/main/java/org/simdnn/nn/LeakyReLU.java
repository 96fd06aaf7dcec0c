package org.simdnn.nn;

import java.util.Map;
import org.simdnn.ops.Activation;

/** {@code y = x} for x &gt; 0, {@code slope * x} otherwise (default slope 0.01, PyTorch's). */
public final class LeakyReLU extends PointwiseActivation {
    public LeakyReLU() { this(0.01f); }

    public LeakyReLU(float slope) {
        super(Activation.LEAKY_RELU, checked(slope));
    }

    private static float checked(float slope) {
        if (!Float.isFinite(slope)) throw new IllegalArgumentException("LeakyReLU slope must be finite, got " + slope);
        return slope;
    }

    public float slope() { return alpha; }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("slope", (double) alpha);
        return c;
    }

    @Override public LeakyReLU shareWeights() { return sharedCopy(new LeakyReLU(alpha)); }

    @Override public String name() { return "LeakyReLU(" + alpha + ")"; }
}

package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.tensor.Tensor;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are scaled by
 * 1/(1-p), so eval is the identity (it returns its input). Masks come from the backend's counter-based generator;
 * the seed of step t is {@code mix(seed, t)} (SplitMix64's finaliser), so every step draws a new mask and a run
 * is reproducible from its seed on any backend and thread count.
 */
public final class Dropout extends AbstractModule {
    private final float p;
    private final long seed;
    private long step;
    private Tensor y, mask, dx;
    private boolean masked;

    public Dropout(float p) { this(p, 0x0D0D_0D0DL); }

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout p must be in [0, 1), got " + p);
        this.p = p;
        this.seed = seed;
    }

    public float p() { return p; }
    /** Training forwards done so far (the counter mixed into the seed); settable for resuming a run. */
    public long step() { return step; }
    public void setStep(long step) { this.step = step; }

    static long mix(long seed, long step) {
        long z = seed + (step + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        masked = training && p > 0;
        if (!masked) return x;
        x = requireContiguous(x);
        y = reuseLike(y, x);
        mask = reuseLike(mask, x);
        backend().dropoutForward(p, mix(seed, step++), x, y, mask);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (!masked) return dy;
        dx = reuseLike(dx, dy);
        backend().dropoutBackward(dy, mask, dx);
        return dx;
    }

    @Override public int[] outputShape(int[] s) { return s.clone(); }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Dropout");
        c.put("p", (double) p);
        c.put("seed", Long.toString(seed));
        return c;
    }

    @Override public Dropout shareWeights() { return sharedCopy(new Dropout(p, seed)); }

    @Override public String name() { return "Dropout(" + p + ")"; }
}

package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.tensor.Tensor;

/**
 * Parametric ReLU with one learnt slope per channel (the last dim): {@code y = x} for x &gt; 0, else
 * {@code slope[c] * x}. Slopes start at 0.25 (He et al. 2015) and get no weight decay.
 */
public final class PReLU extends AbstractModule {
    private final int channels;
    private final Parameter slope;
    private final List<Parameter> params;
    private Tensor x, y, dx;

    public PReLU(int channels) { this(channels, 0.25f); }

    public PReLU(int channels, float initialSlope) {
        this(channels, newSlope(channels, initialSlope));
    }

    private PReLU(int channels, Parameter slope) {
        this.channels = channels;
        this.slope = slope;
        this.params = List.of(slope);
    }

    private static Parameter newSlope(int channels, float init) {
        if (channels < 1) throw new IllegalArgumentException("PReLU needs channels >= 1, got " + channels);
        Tensor t = Tensor.zeros(channels);
        t.fill(init);
        return new Parameter("weight", t, false);
    }

    public Parameter slope() { return slope; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        if (x.rank() < 1 || x.dim(x.rank() - 1) != channels) outputShape(x.shape());
        y = reuseLike(y, x);
        backend().preluForward(x, slope.value(), y);
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        dx = reuseLike(dx, x);
        backend().preluBackward(x, slope.value(), requireContiguous(dy), dx, slope.grad());
        return dx;
    }

    @Override public List<Parameter> parameters() { return params; }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length < 1 || s[s.length - 1] != channels) throw badInput(s, "last dim " + channels + " (channels)");
        return s.clone();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "PReLU");
        c.put("channels", channels);
        return c;
    }

    @Override public PReLU shareWeights() { return sharedCopy(new PReLU(channels, slope.sharing())); }

    @Override public String name() { return "PReLU(" + channels + ")"; }
}

package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.simdnn.nn.init.Init;
import org.simdnn.tensor.Tensor;

/**
 * Dense layer {@code y = x W + b} on {@code [batch, in]} inputs. The weight is {@code [in, out]} (the row-major B
 * operand of the GEMM, like conv's HWIO), so forward is one {@code sgemm(N, N)}; backward is
 * {@code dW = x^T dy} (sgemm(T, N)), {@code db = sumRows(dy)}, {@code dx = dy W^T} (sgemm(N, T)).
 * Default initialisation: He uniform weights, zero bias ({@link #init} chooses another {@link Init} scheme).
 */
public final class Linear extends AbstractModule {
    private final int in, out;
    private final Parameter weight, bias;
    private final List<Parameter> params;
    private Init init = Init.KAIMING_UNIFORM;
    private Tensor x, y, dx;

    public Linear(int in, int out) { this(in, out, true); }

    public Linear(int in, int out, boolean withBias) {
        this(in, out, new Parameter("weight", Tensor.zeros(in, out), true),
                withBias ? new Parameter("bias", Tensor.zeros(out), false) : null);
        initialize(new SplittableRandom(0x5EED_0000L + 31L * in + out));
    }

    private Linear(int in, int out, Parameter weight, Parameter bias) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("Linear needs in, out >= 1, got " + in + ", " + out);
        this.in = in;
        this.out = out;
        this.weight = weight;
        this.bias = bias;
        this.params = bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /** Chooses the initialisation scheme (applied now and by later {@link #initialize} calls). */
    public Linear init(Init scheme, SplittableRandom rng) {
        this.init = scheme;
        initialize(rng);
        return this;
    }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }
    public int inFeatures() { return in; }
    public int outFeatures() { return out; }

    @Override
    public void initialize(SplittableRandom rng) {
        init.fill(weight.value(), in, out, rng);
        if (bias != null) init.fillBias(bias.value(), in, rng);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        if (x.rank() != 2 || x.dim(1) != in) outputShape(x.shape());
        int n = x.dim(0);
        y = reuse(y, n, out);
        backend().matmul(x, false, weight.value(), false, y, 0f);
        if (bias != null) backend().biasAdd(bias.value(), y);
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        backend().matmul(x, true, dy, false, weight.grad(), 0f);
        if (bias != null) backend().sumRows(dy, bias.grad(), 0f);
        if (skipInputGradient) return null;
        dx = reuseLike(dx, x);
        backend().matmul(dy, false, weight.value(), true, dx, 0f);
        return dx;
    }

    @Override public List<Parameter> parameters() { return params; }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 2 || s[1] != in) throw badInput(s, "[batch, " + in + "]");
        return new int[] {s[0], out};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Linear");
        c.put("in", in);
        c.put("out", out);
        c.put("bias", bias != null);
        return c;
    }

    @Override
    public Linear shareWeights() {
        return sharedCopy(new Linear(in, out, weight.sharing(), bias == null ? null : bias.sharing()));
    }

    @Override public String name() { return "Linear(" + in + "->" + out + (bias == null ? ", no bias" : "") + ")"; }
}

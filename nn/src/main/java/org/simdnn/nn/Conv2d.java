package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.simdnn.nn.init.Init;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.tensor.Tensor;

/**
 * 2-d convolution over NHWC input {@code [N, H, W, inC]} with HWIO weights {@code [kH, kW, inC/groups, outC]}
 * (see {@link Conv2dDesc}); symmetric padding, stride, dilation and groups. The descriptor is rebuilt only when
 * the input's N, H or W change. Default initialisation: He uniform weights, zero bias ({@link #init} chooses
 * another {@link Init} scheme).
 */
public final class Conv2d extends AbstractModule {
    private final int inC, outC, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups;
    private final Parameter weight, bias;
    private final List<Parameter> params;
    private Init init = Init.KAIMING_UNIFORM;
    private Conv2dDesc desc;
    private Tensor x, y, dx;

    /** Square kernel, square stride and padding, no dilation, one group, with bias. */
    public Conv2d(int inC, int outC, int k, int stride, int pad) {
        this(builder(inC, outC).kernel(k).stride(stride).pad(pad));
    }

    private Conv2d(Builder b) {
        this(b.inC, b.outC, b.kH, b.kW, b.strideH, b.strideW, b.padH, b.padW, b.dilH, b.dilW, b.groups, null,
                b.bias ? null : NO_BIAS);
        initialize(new SplittableRandom(0xC0DEL + 31L * inC + 7L * outC + kH));
    }

    /**
     * Any other convolution, e.g. a depthwise 3x3 without bias:
     * {@code Conv2d.builder(32, 32).kernel(3).pad(1).groups(32).bias(false).build()}. Defaults: stride 1, no
     * padding, dilation 1, one group, with bias; the kernel size has no default.
     */
    public static Builder builder(int inC, int outC) { return new Builder(inC, outC); }

    /** Collects a {@link Conv2d}'s geometry by name; {@link #build} validates it. */
    public static final class Builder {
        private final int inC, outC;
        private int kH, kW, strideH = 1, strideW = 1, padH, padW, dilH = 1, dilW = 1, groups = 1;
        private boolean bias = true;

        private Builder(int inC, int outC) {
            this.inC = inC;
            this.outC = outC;
        }

        public Builder kernel(int k) { return kernel(k, k); }

        public Builder kernel(int kH, int kW) {
            this.kH = kH;
            this.kW = kW;
            return this;
        }

        public Builder stride(int s) { return stride(s, s); }

        public Builder stride(int strideH, int strideW) {
            this.strideH = strideH;
            this.strideW = strideW;
            return this;
        }

        /** Zero padding on both sides of each spatial dimension. */
        public Builder pad(int p) { return pad(p, p); }

        public Builder pad(int padH, int padW) {
            this.padH = padH;
            this.padW = padW;
            return this;
        }

        public Builder dilation(int d) { return dilation(d, d); }

        public Builder dilation(int dilH, int dilW) {
            this.dilH = dilH;
            this.dilW = dilW;
            return this;
        }

        /** Channel groups: 1 is a full convolution, {@code inC} a depthwise one. */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** @throws IllegalArgumentException naming every value, when one is out of range or the kernel is unset */
        public Conv2d build() { return new Conv2d(this); }
    }

    private static final Parameter NO_BIAS = new Parameter("none", Tensor.zeros(1), false);

    private Conv2d(int inC, int outC, int kH, int kW, int strideH, int strideW, int padH, int padW, int dilH, int dilW,
                   int groups, Parameter weight, Parameter bias) {
        if (inC < 1 || outC < 1 || kH < 1 || kW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0
                || dilH < 1 || dilW < 1 || groups < 1 || inC % groups != 0 || outC % groups != 0) {
            throw new IllegalArgumentException("bad Conv2d: in " + inC + ", out " + outC + ", kernel " + kH + "x" + kW
                    + ", stride " + strideH + "x" + strideW + ", pad " + padH + "x" + padW + ", dilation " + dilH + "x"
                    + dilW + ", groups " + groups + " (channels must divide by groups)");
        }
        this.inC = inC; this.outC = outC; this.kH = kH; this.kW = kW; this.strideH = strideH; this.strideW = strideW;
        this.padH = padH; this.padW = padW; this.dilH = dilH; this.dilW = dilW; this.groups = groups;
        this.weight = weight != null ? weight : new Parameter("weight", Tensor.zeros(kH, kW, inC / groups, outC), true);
        this.bias = bias == NO_BIAS ? null : bias != null ? bias : new Parameter("bias", Tensor.zeros(outC), false);
        this.params = this.bias == null ? List.of(this.weight) : List.of(this.weight, this.bias);
    }

    public Conv2d init(Init scheme, SplittableRandom rng) {
        this.init = scheme;
        initialize(rng);
        return this;
    }

    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }

    @Override
    public void initialize(SplittableRandom rng) {
        init.fill(weight.value(), kH * kW * (inC / groups), kH * kW * (outC / groups), rng);
        if (bias != null) init.fillBias(bias.value(), kH * kW * (inC / groups), rng);
    }

    private Conv2dDesc desc(Tensor x) {
        Conv2dDesc d = desc;
        if (d != null && d.batch() == x.dim(0) && d.inH() == x.dim(1) && d.inW() == x.dim(2)) return d;
        outputShape(x.shape());
        return desc = new Conv2dDesc(x.dim(0), x.dim(1), x.dim(2), inC, outC, kH, kW, strideH, strideW, padH, padW,
                padH, padW, dilH, dilW, groups);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        if (x.rank() != 4 || x.dim(3) != inC) outputShape(x.shape());
        Conv2dDesc d = desc(x);
        y = reuse(y, d.batch(), d.outH(), d.outW(), outC);
        backend().conv2dForward(d, x, weight.value(), bias == null ? null : bias.value(), y);
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        backend().conv2dBackwardWeights(desc, x, dy, weight.grad(), bias == null ? null : bias.grad());
        if (skipInputGradient) return null;
        dx = reuseLike(dx, x);
        backend().conv2dBackwardData(desc, dy, weight.value(), dx);
        return dx;
    }

    @Override public List<Parameter> parameters() { return params; }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 4 || s[3] != inC) throw badInput(s, "NHWC [batch, H, W, " + inC + "]");
        long effH = (long) (kH - 1) * dilH + 1, effW = (long) (kW - 1) * dilW + 1;
        if (s[0] < 1 || effH > s[1] + 2L * padH || effW > s[2] + 2L * padW) {
            throw badInput(s, "a padded input of at least " + effH + "x" + effW + " for the dilated kernel");
        }
        int oh = (int) ((s[1] + 2L * padH - effH) / strideH + 1), ow = (int) ((s[2] + 2L * padW - effW) / strideW + 1);
        return new int[] {s[0], oh, ow, outC};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Conv2d");
        c.put("in", inC);
        c.put("out", outC);
        c.put("kernel", List.of(kH, kW));
        c.put("stride", List.of(strideH, strideW));
        c.put("padding", List.of(padH, padW));
        c.put("dilation", List.of(dilH, dilW));
        c.put("groups", groups);
        c.put("bias", bias != null);
        return c;
    }

    @Override
    public Conv2d shareWeights() {
        return sharedCopy(new Conv2d(inC, outC, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups,
                weight.sharing(), bias == null ? NO_BIAS : bias.sharing()));
    }

    @Override
    public String name() {
        return "Conv2d(" + inC + "->" + outC + ", " + kH + "x" + kW + (strideH * strideW > 1 ? ", stride " + strideH
                + "x" + strideW : "") + (padH + padW > 0 ? ", pad " + padH + "x" + padW : "")
                + (dilH * dilW > 1 ? ", dilation " + dilH + "x" + dilW : "") + (groups > 1 ? ", groups " + groups : "")
                + (bias == null ? ", no bias" : "") + ")";
    }
}

package org.simdnn.onnx;

import org.simdnn.kernels.conv.ConvPlanner;
import org.simdnn.kernels.conv.ConvPass;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.PreparedConv2d;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Conv (and ConvTranspose, as the adjoint of a convolution) on channels-last activations with HWIO weights
 * laid out at load. A 1-d convolution is the 2-d one with height 1. The output gets the {@link Epilogue}.
 */
final class ConvStep extends Step {
    final Conv2dDesc desc;
    final boolean transposed;
    final float[] weight;
    final float[] bias;
    final String note;
    Epilogue epilogue = Epilogue.NONE;

    /**
     * For a ConvTranspose, {@code desc} is the forward convolution whose backward-data pass it is: its input
     * is the ConvTranspose's output.
     */
    ConvStep(String op, String node, Value x, Value y, Conv2dDesc desc, boolean transposed, float[] weight,
             float[] bias, String note) {
        super(op, node, new Value[] {x}, new Value[] {y});
        this.desc = desc;
        this.transposed = transposed;
        this.weight = weight;
        this.bias = bias;
        this.note = note;
    }

    void fuse(Epilogue e, Value newOutput) {
        epilogue = e;
        outputs = new Value[] {newOutput};
        if (e.residual() != null) inputs = new Value[] {inputs[0], e.residual()};
    }

    @Override
    Runnable bind(Binding b) {
        Backend be = b.backend();
        Conv2dDesc d = desc;
        int[] in = transposed ? d.outputShape() : d.inputShape(), out = transposed ? d.inputShape() : d.outputShape();
        Tensor x = Tensor.wrap(b.data(inputs[0]), 0, Layout.NHWC, in);
        Tensor y = Tensor.wrap(b.data(outputs[0]), 0, Layout.NHWC, out);
        Tensor w = Tensor.wrap(weight, 0, Layout.ROW_MAJOR, d.weightShape());
        Tensor bt = bias == null ? null : Tensor.wrap(bias, bias.length);
        Tensor r = epilogue.residual() == null ? null : Tensor.wrap(b.data(epilogue.residual()), 0, Layout.NHWC, out);
        Epilogue e = epilogue;
        if (!transposed) {
            // Weights laid out once per backend; the residual add and a ReLU/Clip run in the kernel's store.
            // Bound to this session's buffers: a call allocates nothing.
            Runnable conv = prepared(be).bind(x, r, y);
            Unary after = e.clamp() == null ? e.act() : null;
            float pa = e.a(), pb = e.b();
            if (after == null) return conv;
            return () -> {
                conv.run();
                after.apply(be, pa, pb, y, y);
            };
        }
        int c = out[3], pixels = y.size() / c;
        Tensor yRows = Tensor.wrap(y.data(), 0, Layout.ROW_MAJOR, pixels, c);
        return () -> {
            be.conv2dBackwardData(d, x, w, y);
            if (bt != null) be.biasAdd(bt, yRows);
            e.apply(be, y, r);
        };
    }

    /** Per backend (a session's backend and its scalar form); guarded by this. */
    private final java.util.Map<Backend, PreparedConv2d> prepared = new java.util.IdentityHashMap<>(4);

    /** The forward convolution prepared for {@code be}, made on first use and shared by every session. */
    synchronized PreparedConv2d prepared(Backend be) {
        PreparedConv2d p = prepared.get(be);
        if (p == null) {
            Clamp c = epilogue.clamp();
            p = be.prepareConv2dForward(desc, Tensor.wrap(weight, 0, Layout.ROW_MAJOR, desc.weightShape()),
                    bias == null ? null : Tensor.wrap(bias, bias.length), c == null ? Clamp.NONE : c);
            prepared.put(be, p);
        }
        return p;
    }

    @Override double flops() { return desc.flops(); }

    @Override long params() { return weight.length + (bias == null ? 0 : bias.length); }

    @Override
    String detail() {
        Conv2dDesc d = desc;
        return epilogue.detail("k" + d.kH() + "x" + d.kW() + " s" + d.strideH() + "x" + d.strideW() + " p" + d.padTop()
                + "," + d.padLeft() + "," + d.padBottom() + "," + d.padRight()
                + (d.dilationH() * d.dilationW() > 1 ? " d" + d.dilationH() + "x" + d.dilationW() : "")
                + (d.groups() > 1 ? " g" + d.groups() : "") + (bias != null ? " +bias" : ""), note);
    }

    @Override
    String impl() {
        Backend be = org.simdnn.ops.Backends.get();
        if (!transposed) return prepared(be).id();
        if (!be.name().equals("cpu")) return be.name();
        return ConvPlanner.plan(desc, ConvPass.BACKWARD_DATA).id();
    }
}

package org.simdnn.onnx;

import org.simdnn.ops.Backend;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.ConvLayer;
import org.simdnn.ops.PreparedBlock;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * An inverted-residual block (MobileNetV2) as one step: a 1x1 expansion Conv (may be absent), a 3x3 depthwise Conv
 * and a 1x1 projection Conv, each with its fused clamp, and the block's input as the projection's residual when the
 * graph adds it. The backend runs it per band of rows ({@link Backend#prepareInvertedResidual}), so the expanded
 * activations never go to the arena. Made by {@link Fusion#blocks} only where the backend took the layers; a
 * backend that does not (another one bound later) runs the three convolutions on buffers of the binding's own.
 */
final class BlockStep extends Step {
    final ConvStep expand, depthwise, project;
    final boolean residual;
    /** Per backend (a session's backend and its scalar form); a null value: the backend declined. Guarded by this. */
    private final java.util.Map<Backend, PreparedBlock> prepared = new java.util.IdentityHashMap<>(4);

    BlockStep(ConvStep expand, ConvStep depthwise, ConvStep project, boolean residual, Value x, Value y) {
        super("InvertedResidual", project.node, new Value[] {x}, new Value[] {y});
        this.expand = expand;
        this.depthwise = depthwise;
        this.project = project;
        this.residual = residual;
    }

    /** The backend's fused block for these layers, or null where it runs them one by one. */
    static PreparedBlock prepare(Backend be, ConvStep e, ConvStep d, ConvStep p, boolean residual) {
        return be.prepareInvertedResidual(e == null ? null : layer(e), layer(d), layer(p), residual);
    }

    private static ConvLayer layer(ConvStep c) {
        Clamp clamp = c.epilogue.clamp();
        return new ConvLayer(c.desc, Tensor.wrap(c.weight, 0, Layout.ROW_MAJOR, c.desc.weightShape()),
                c.bias == null ? null : Tensor.wrap(c.bias, c.bias.length), clamp == null ? Clamp.NONE : clamp);
    }

    /** Made on first use for a backend and shared by every session; null if the backend declines. */
    synchronized PreparedBlock prepared(Backend be) {
        if (!prepared.containsKey(be)) prepared.put(be, prepare(be, expand, depthwise, project, residual));
        return prepared.get(be);
    }

    /** Set by the fusion, which already asked the planning backend. */
    synchronized void prepared(Backend be, PreparedBlock p) { prepared.put(be, p); }

    @Override
    Runnable bind(Binding b) {
        Backend be = b.backend();
        ConvStep first = expand != null ? expand : depthwise;
        Tensor x = Tensor.wrap(b.data(inputs[0]), 0, Layout.NHWC, first.desc.inputShape());
        Tensor y = Tensor.wrap(b.data(outputs[0]), 0, Layout.NHWC, project.desc.outputShape());
        PreparedBlock p = prepared(be);
        if (p != null) return p.bind(x, y);
        // Layer by layer on this binding's own buffers for the expanded and depthwise activations.
        Tensor e = expand == null ? x : Tensor.zeros(Layout.NHWC, expand.desc.outputShape());
        Tensor d = Tensor.zeros(Layout.NHWC, depthwise.desc.outputShape());
        Runnable r1 = expand == null ? () -> { } : expand.prepared(be).bind(x, null, e);
        Runnable r2 = depthwise.prepared(be).bind(e, null, d);
        Runnable r3 = project.prepared(be).bind(d, residual ? x : null, y);
        return () -> {
            r1.run();
            r2.run();
            r3.run();
        };
    }

    @Override
    double flops() { return (expand == null ? 0 : expand.flops()) + depthwise.flops() + project.flops(); }

    @Override
    long params() { return (expand == null ? 0 : expand.params()) + depthwise.params() + project.params(); }

    @Override
    String detail() {
        return (expand == null ? "" : "expand '" + expand.node + "' " + expand.detail() + " | ") + "depthwise '"
                + depthwise.node + "' " + depthwise.detail() + " | project " + project.detail();
    }

    @Override
    String impl() {
        PreparedBlock p = prepared(org.simdnn.ops.Backends.get());
        return p != null ? p.id() : "layer by layer";
    }
}

package org.simdnn.onnx;

import java.util.List;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * One step of a plan: an op over pre-resolved values. A step is shared by all sessions; {@link #bind} turns
 * it into a {@link Runnable} over one session's arena, with every tensor view created there, so running a
 * plan looks nothing up and allocates nothing.
 */
abstract class Step {
    /** Resolves a value to its array: constant data, or the session buffer of its root. */
    interface Binding {
        float[] data(Value v);

        Backend backend();

        /** A contiguous tensor view of {@code v} in storage order, NHWC-labelled when rank-4 channels-last. */
        default Tensor tensor(Value v) {
            Layout l = v.storage == Value.Storage.CHANNELS_LAST && v.rank() == 4 ? Layout.NHWC : Layout.ROW_MAJOR;
            return Tensor.wrap(data(v), 0, l, v.physShape());
        }

        /** A view of {@code v} under another shape (same element count). */
        default Tensor tensor(Value v, int... shape) { return Tensor.wrap(data(v), 0, Layout.ROW_MAJOR, shape); }
    }

    final String op;
    final String node;
    /** Every value read (including a fused epilogue's residual), for liveness. */
    Value[] inputs;
    Value[] outputs;

    Step(String op, String node, Value[] inputs, Value[] outputs) {
        this.op = op;
        this.node = node;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    abstract Runnable bind(Binding b);

    /** Multiply-adds times two (or one per element for cheap ops). */
    double flops() { return 0; }

    /** Parameters held by this step (weights), for the plan summary. */
    long params() { return 0; }

    /** Attributes and what was folded or fused, for {@link OnnxModel#describe}. */
    String detail() { return ""; }

    /** The implementation that runs it. */
    String impl() { return "java"; }

    Value out() { return outputs[0]; }

    List<Value> inputList() { return List.of(inputs); }
}

package org.simdnn.onnx;

import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** An element-wise {@link Unary} function over a value in any storage (the output keeps it). */
final class UnaryStep extends Step {
    final Unary fn;
    final float a, b;

    UnaryStep(String op, String node, Value x, Value y, Unary fn, float a, float b) {
        super(op, node, new Value[] {x}, new Value[] {y});
        this.fn = fn;
        this.a = a;
        this.b = b;
    }

    @Override
    Runnable bind(Binding bd) {
        Backend be = bd.backend();
        int n = out().size();
        Tensor x = bd.tensor(inputs[0], n), y = bd.tensor(outputs[0], n);
        return () -> fn.apply(be, a, b, x, y);
    }

    @Override double flops() { return out().size(); }

    @Override String detail() { return fn.describe(a, b); }

    @Override String impl() { return fn.ordinal() <= Unary.TANH.ordinal() ? org.simdnn.ops.Backends.get().name() : "java"; }
}

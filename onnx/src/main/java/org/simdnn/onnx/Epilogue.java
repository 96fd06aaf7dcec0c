package org.simdnn.onnx;

import org.simdnn.ops.Backend;
import org.simdnn.ops.Clamp;
import org.simdnn.tensor.Tensor;

/**
 * What a convolution or GEMM step applies to its output before anyone reads it: a residual add of another
 * value of the same shape and storage, then an activation. Bias is the op's own. A convolution applies a
 * residual add and a ReLU/Clip in its kernel's store loop ({@link #clamp}); other activations, and GEMM's
 * epilogue, run as a pass over the output right after the op.
 */
record Epilogue(Value residual, Unary act, float a, float b) {
    static final Epilogue NONE = new Epilogue(null, null, 0, 0);

    boolean isNone() { return residual == null && act == null; }

    Epilogue withResidual(Value r) { return new Epilogue(r, act, a, b); }

    Epilogue withActivation(Unary u, float pa, float pb) { return new Epilogue(residual, u, pa, pb); }

    /**
     * The activation as a {@link Clamp} a kernel applies as it stores (ReLU, Clip), {@link Clamp#NONE} without
     * one, or null when the activation is another function (applied as a pass after the op).
     */
    Clamp clamp() {
        if (act == null) return Clamp.NONE;
        if (act == Unary.RELU) return Clamp.RELU;
        if (act == Unary.CLIP && !Float.isNaN(a) && !Float.isNaN(b) && a <= b) return new Clamp(a, b);
        return null;
    }

    /** y (residual-added, activated) in place; {@code r} is the residual's view or null. */
    void apply(Backend backend, Tensor y, Tensor r) {
        if (r != null) backend.add(y, r, y);
        if (act != null) act.apply(backend, a, b, y, y);
    }

    /**
     * A fusing step's {@link Step#detail}: its own attributes, then what load-time rewrites did to it ({@code note},
     * may be null), then this epilogue.
     */
    String detail(String attributes, String note) {
        String s = note == null ? attributes : attributes + "; " + note;
        return isNone() ? s : s + "; " + describe();
    }

    String describe() {
        if (isNone()) return "";
        String s = residual != null ? "+" + residual.name : "";
        if (act != null) s += (s.isEmpty() ? "" : "+") + act.describe(a, b);
        return "fused " + s;
    }
}

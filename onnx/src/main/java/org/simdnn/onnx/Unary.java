package org.simdnn.onnx;

import org.simdnn.ops.Activation;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * Element-wise functions with up to two parameters ({@code a}, {@code b}). Those the {@link Backend} has run
 * there (vectorised); the rest are plain loops. Used as steps and as fused epilogues.
 */
enum Unary {
    RELU(Activation.RELU), LEAKY_RELU(Activation.LEAKY_RELU), SIGMOID(Activation.SIGMOID), TANH(Activation.TANH),
    /** min(max(x, a), b). */
    CLIP(null),
    /** max(0, min(1, a x + b)). */
    HARD_SIGMOID(null),
    /** x max(0, min(1, x / 6 + 1/2)). */
    HARD_SWISH(null),
    EXP(null), NEG(null), ABS(null), SQRT(null);

    private final Activation backendOp;

    Unary(Activation backendOp) { this.backendOp = backendOp; }

    /** y = f(x) on contiguous tensors of equal size (offset 0); x and y may be the same tensor. */
    void apply(Backend backend, float a, float b, Tensor xt, Tensor yt) {
        if (backendOp != null) {
            backend.activationForward(backendOp, a, xt, yt);
            return;
        }
        float[] x = xt.data(), y = yt.data();
        int n = xt.size();
        switch (this) {
            case CLIP -> { for (int i = 0; i < n; i++) y[i] = Math.min(Math.max(x[i], a), b); }
            case HARD_SIGMOID -> { for (int i = 0; i < n; i++) y[i] = Math.max(0f, Math.min(1f, a * x[i] + b)); }
            case HARD_SWISH -> {
                for (int i = 0; i < n; i++) y[i] = x[i] * Math.max(0f, Math.min(1f, x[i] / 6f + 0.5f));
            }
            case EXP -> { for (int i = 0; i < n; i++) y[i] = (float) Math.exp(x[i]); }
            case NEG -> { for (int i = 0; i < n; i++) y[i] = -x[i]; }
            case ABS -> { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); }
            case SQRT -> { for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(x[i]); }
            default -> throw new AssertionError(this);
        }
    }

    String describe(float a, float b) {
        return switch (this) {
            case LEAKY_RELU -> "LeakyRelu(" + a + ")";
            case CLIP -> "Clip(" + a + ", " + b + ")";
            case HARD_SIGMOID -> "HardSigmoid(" + a + ", " + b + ")";
            default -> name();
        };
    }
}

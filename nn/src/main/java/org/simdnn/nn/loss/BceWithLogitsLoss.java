package org.simdnn.nn.loss;

import org.simdnn.ops.Activation;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.ops.Tensors;
import org.simdnn.tensor.Tensor;

/**
 * Binary cross-entropy on logits z with targets t in [0, 1], mean over all elements:
 * {@code L = (1/n) Σ max(z, 0) - z t + log(1 + exp(-|z|))} (the stable form), gradient
 * {@code (sigmoid(z) - t) / n}. The gradient goes through the backend (sigmoid, axpy, scale); the scalar loss
 * is a double sum here.
 */
public final class BceWithLogitsLoss {
    private final Backend backend;

    public BceWithLogitsLoss() { this(Backends.get()); }

    public BceWithLogitsLoss(Backend backend) { this.backend = backend; }

    /** Returns the loss; writes dL/dlogits into {@code grad} (same shape; required). */
    public float compute(Tensor logits, Tensor targets, Tensor grad) {
        Tensors.requireSameShape("bce with logits", logits, targets);
        Tensors.requireSameShape("bce with logits", logits, grad);
        int n = logits.size();
        float[] z = logits.data(), t = targets.data();
        int zo = logits.offset(), to = targets.offset();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double zi = z[zo + i], ti = t[to + i];
            loss += Math.max(zi, 0) - zi * ti + Math.log1p(Math.exp(-Math.abs(zi)));
        }
        backend.activationForward(Activation.SIGMOID, 0f, logits, grad);
        backend.axpy(-1f, targets, grad);
        backend.scale(1f / n, grad, grad);
        return (float) (loss / n);
    }
}

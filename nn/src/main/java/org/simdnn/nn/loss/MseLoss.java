package org.simdnn.nn.loss;

import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.ops.Tensors;
import org.simdnn.tensor.Tensor;

/**
 * Mean squared error over all elements: {@code L = (1/n) Σ (pred - target)^2}, gradient
 * {@code dL/dpred = (2/n)(pred - target)}. All math through the backend (copy, axpy, sumSquares, scale).
 */
public final class MseLoss {
    private final Backend backend;

    public MseLoss() { this(Backends.get()); }

    public MseLoss(Backend backend) { this.backend = backend; }

    /** Returns the loss and writes the gradient into {@code grad} (same shape as pred; required). */
    public float compute(Tensor pred, Tensor target, Tensor grad) {
        Tensors.requireSameShape("mse", pred, target);
        Tensors.requireSameShape("mse", pred, grad);
        int n = pred.size();
        grad.copyFrom(pred);
        backend.axpy(-1f, target, grad);
        double loss = backend.sumSquares(grad) / n;
        backend.scale(2f / n, grad, grad);
        return (float) loss;
    }
}

package org.simdnn.nn.loss;

import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * Mean over rows of the cross-entropy between softmax(logits) and the label-smoothed one-hot target
 * {@code q = (1 - s) onehot(y) + s / C}: {@code L = -(1/N) Σ_r Σ_c q_rc log softmax(z_r)_c}, gradient
 * {@code (softmax(z) - q) / N}. One fused, numerically stable backend pass ({@code Backend.softmaxCrossEntropy}).
 */
public final class SoftmaxCrossEntropyLoss {
    private final Backend backend;
    private final float labelSmoothing;

    public SoftmaxCrossEntropyLoss() { this(0f); }

    public SoftmaxCrossEntropyLoss(float labelSmoothing) { this(labelSmoothing, Backends.get()); }

    public SoftmaxCrossEntropyLoss(float labelSmoothing, Backend backend) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
        this.backend = backend;
    }

    public float labelSmoothing() { return labelSmoothing; }

    /** Loss of {@code logits [N, C]} against class indices; writes dL/dlogits into {@code dlogits} if non-null. */
    public float compute(Tensor logits, int[] labels, Tensor dlogits) {
        if (logits.rank() != 2 || labels.length != logits.dim(0)) {
            throw new IllegalArgumentException("softmax cross-entropy needs logits [N, C] and N labels, got "
                    + logits.shapeString() + " and " + labels.length + " labels");
        }
        return backend.softmaxCrossEntropy(logits, labels, labelSmoothing, dlogits);
    }
}

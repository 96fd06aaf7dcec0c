package org.simdnn.nn.loss;

import org.simdnn.ops.Tensors;
import org.simdnn.tensor.Tensor;

/**
 * Hinge loss with margin m: binary {@code L = (1/n) Σ max(0, m - y z)} for labels y = ±1, and the multiclass
 * (Weston–Watkins) form {@code L = (1/N) Σ_r Σ_{c != y_r} max(0, m + z_rc - z_r,y_r)}. Margin 1 is the SVM hinge;
 * margin 0 is the perceptron loss (its subgradient step is the perceptron rule). Gradients are the subgradients
 * (0 at the kink). Plain loops: the loss is a cheap O(n) reduction.
 */
public final class HingeLoss {
    private final float margin;

    public HingeLoss() { this(1f); }

    public HingeLoss(float margin) {
        if (!(margin >= 0)) throw new IllegalArgumentException("hinge margin must be >= 0, got " + margin);
        this.margin = margin;
    }

    /** The perceptron loss max(0, -y z). */
    public static HingeLoss perceptron() { return new HingeLoss(0f); }

    public float margin() { return margin; }

    /** Binary form: scores and labels (±1) of the same shape; writes dL/dscores into grad. */
    public float compute(Tensor scores, Tensor labels, Tensor grad) {
        Tensors.requireSameShape("hinge", scores, labels);
        Tensors.requireSameShape("hinge", scores, grad);
        int n = scores.size();
        float[] z = scores.data(), y = labels.data(), g = grad.data();
        int zo = scores.offset(), yo = labels.offset(), go = grad.offset();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            float yi = y[yo + i];
            if (yi != 1f && yi != -1f) throw new IllegalArgumentException("hinge labels must be +1/-1, got " + yi + " at " + i);
            double slack = margin - yi * (double) z[zo + i];
            if (slack > 0) {
                loss += slack;
                g[go + i] = -yi / n;
            } else {
                g[go + i] = 0f;
            }
        }
        return (float) (loss / n);
    }

    /** Multiclass form over scores [N, C] and class indices; writes dL/dscores into grad [N, C]. */
    public float compute(Tensor scores, int[] labels, Tensor grad) {
        if (scores.rank() != 2 || labels.length != scores.dim(0)) {
            throw new IllegalArgumentException("multiclass hinge needs scores [N, C] and N labels, got "
                    + scores.shapeString() + " and " + labels.length + " labels");
        }
        Tensors.requireSameShape("hinge", scores, grad);
        int rows = scores.dim(0), c = scores.dim(1);
        float[] z = scores.data(), g = grad.data();
        int zo = scores.offset(), go = grad.offset();
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            int y = labels[r];
            if (y < 0 || y >= c) throw new IllegalArgumentException("label " + y + " at row " + r + " outside [0, " + c + ")");
            float zy = z[zo + r * c + y];
            int violations = 0;
            for (int k = 0; k < c; k++) {
                g[go + r * c + k] = 0f;
                if (k == y) continue;
                double slack = margin + (double) z[zo + r * c + k] - zy;
                if (slack > 0) {
                    loss += slack;
                    g[go + r * c + k] = 1f / rows;
                    violations++;
                }
            }
            g[go + r * c + y] = -(float) violations / rows;
        }
        return (float) (loss / rows);
    }
}

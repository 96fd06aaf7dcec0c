package org.simdnn.diagnostics;

import org.simdnn.tensor.Tensor;

/** Images (NHWC, as the loader gives them) and their class labels. */
public record LabeledBatch(Tensor images, int[] labels) {
    public LabeledBatch {
        if (images.dim(0) != labels.length) {
            throw new IllegalArgumentException("batch has " + images.dim(0) + " images but " + labels.length + " labels");
        }
    }

    public int size() { return labels.length; }

    /** The first {@code n} examples. */
    public LabeledBatch head(int n) {
        if (n >= size()) return this;
        return new LabeledBatch(images.slice(0, 0, n).contiguous(), java.util.Arrays.copyOf(labels, n));
    }
}

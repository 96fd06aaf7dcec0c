package org.simdnn.nn.optim;

import java.util.Map;
import org.simdnn.tensor.Tensor;

/** Shared checks for {@link Optimizer#loadState}. */
final class OptimizerState {
    private OptimizerState() {}

    /** Copies the saved tensor named {@code key} into {@code into}; false when absent. */
    static boolean restore(Map<String, Tensor> saved, String key, Tensor into) {
        Tensor t = saved.get(key);
        if (t == null) return false;
        if (!into.sameShape(t)) {
            throw new IllegalArgumentException("optimizer state " + key + " has shape " + t.shapeString() + ", expected "
                    + into.shapeString());
        }
        into.copyFrom(t);
        return true;
    }
}

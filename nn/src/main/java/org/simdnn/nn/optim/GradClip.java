package org.simdnn.nn.optim;

import java.util.List;
import org.simdnn.nn.Parameter;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;

/** Gradient clipping by global norm (Pascanu et al. 2013; PyTorch's {@code clip_grad_norm_}). */
public final class GradClip {
    private GradClip() {}

    /** sqrt of the sum over all parameters of |grad|² (backend {@code sumSquares}, double accumulation). */
    public static double globalNorm(List<Parameter> params, Backend backend) {
        double s = 0;
        for (Parameter p : params) s += backend.sumSquares(p.grad());
        return Math.sqrt(s);
    }

    public static double clipByGlobalNorm(List<Parameter> params, double maxNorm) {
        return clipByGlobalNorm(params, maxNorm, Backends.get());
    }

    /**
     * If the global norm exceeds {@code maxNorm}, scales every gradient by {@code maxNorm / (norm + 1e-6)}.
     * Returns the norm before clipping; a NaN or infinite norm leaves the gradients alone (the caller's NaN guard
     * should stop the run).
     */
    public static double clipByGlobalNorm(List<Parameter> params, double maxNorm, Backend backend) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        double norm = globalNorm(params, backend);
        if (Double.isFinite(norm) && norm > maxNorm) {
            float f = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : params) backend.scale(f, p.grad(), p.grad());
        }
        return norm;
    }
}

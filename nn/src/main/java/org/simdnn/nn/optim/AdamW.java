package org.simdnn.nn.optim;

import java.util.List;
import java.util.Map;
import org.simdnn.nn.Parameter;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * AdamW (Loshchilov &amp; Hutter 2019): Adam with decoupled weight decay, {@code w -= η λ w} outside the moments.
 * Per parameter, at step t (counting from 1), one fused {@code Backend.adamStep} pass:
 * <pre>
 *   (no decay in g)
 *   m = β1 m + (1 - β1) g          (m and v start at zero; no first-step special case —
 *   v = β2 v + (1 - β2) g²           the bias corrections below undo the zero start)
 *   m̂ = m / (1 - β1^t),  v̂ = v / (1 - β2^t)
 *   w = w - η m̂ / (sqrt(v̂) + ε) - η λ w
 * </pre>
 * Defaults β1 = 0.9, β2 = 0.999, ε = 1e-8. λ applies only where {@link Parameter#decay()} is true.
 */
public final class AdamW implements Optimizer {
    private final AdamCore core;

    public AdamW(List<Parameter> params, float lr) { this(params, lr, 0f); }

    public AdamW(List<Parameter> params, float lr, float weightDecay) { this(params, lr, weightDecay, Backends.get()); }

    public AdamW(List<Parameter> params, float lr, float weightDecay, Backend backend) {
        core = new AdamCore(params, lr, weightDecay, backend);
    }

    /** Sets β1, β2 and ε; returns this. */
    public AdamW betas(float beta1, float beta2, float epsilon) {
        core.setBetas(beta1, beta2, epsilon);
        return this;
    }

    @Override public void step() { core.step(true); }
    @Override public float lr() { return core.lr; }
    @Override public void setLr(float lr) { core.setLr(lr); }
    @Override public long steps() { return core.steps; }
    @Override public List<Parameter> parameters() { return core.params; }
    @Override public Map<String, Tensor> state() { return core.state(); }
    @Override public void loadState(Map<String, Tensor> state, long steps) { core.loadState(state, steps); }

    @Override
    public String toString() {
        return "AdamW(lr " + core.lr + ", betas " + core.beta1 + "/" + core.beta2 + ", eps " + core.epsilon
                + ", weight decay " + core.weightDecay + ")";
    }
}

package org.simdnn.nn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.nn.Module;
import org.simdnn.nn.Parameter;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * Exponential moving average of a model's weights: every parameter and every buffer (batch-norm running
 * statistics), for evaluating a smoothed copy of a run that is still moving. With decay δ and t the updates done
 * before this one:
 * <pre>
 *   shadow = w                                   on the first update
 *   δ_t    = min(δ, (1 + t) / (10 + t))          later (TensorFlow's num_updates warm-up: early weights fade fast)
 *   shadow = δ_t shadow + (1 - δ_t) w
 * </pre>
 * {@link #swap()} exchanges the live weights and the average in place (no allocation), so the same model
 * evaluates either; call it again to continue training. The update is two backend passes per tensor
 * ({@code scale}, {@code axpy}).
 */
public final class WeightEma {
    private final List<String> names = new ArrayList<>();
    private final List<Tensor> live = new ArrayList<>();
    private final List<Tensor> shadow = new ArrayList<>();
    private final float decay;
    private final Backend backend;
    private long updates;
    private boolean swapped;

    public WeightEma(Module model, float decay) { this(model, decay, Backends.get()); }

    public WeightEma(Module model, float decay, Backend backend) {
        if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
        this.decay = decay;
        this.backend = backend;
        for (Parameter p : model.parameters()) add(p.name(), p.value());
        for (Map.Entry<String, Tensor> e : model.buffers().entrySet()) add(e.getKey(), e.getValue());
    }

    private void add(String name, Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException("EMA needs contiguous tensors; " + name + " is not");
        names.add(name);
        live.add(t);
        shadow.add(Tensor.zeros(t.layout(), t.shape()));
    }

    public float decay() { return decay; }

    public long updates() { return updates; }

    /** The decay the next update applies. */
    public float currentDecay() {
        return updates == 0 ? 0f : (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
    }

    /** Folds the live weights into the average (after an optimizer step). */
    public void update() {
        if (swapped) throw new IllegalStateException("EMA update while the average is swapped into the model; swap back first");
        float d = currentDecay();
        for (int i = 0; i < live.size(); i++) {
            Tensor s = shadow.get(i);
            if (d == 0f) {
                s.copyFrom(live.get(i));
            } else {
                backend.scale(d, s, s);
                backend.axpy(1 - d, live.get(i), s);
            }
        }
        updates++;
    }

    /** Exchanges the model's weights with the average; true afterwards when the model holds the average. */
    public boolean swap() {
        if (updates == 0) throw new IllegalStateException("EMA has no average yet (no update)");
        for (int i = 0; i < live.size(); i++) {
            Tensor a = live.get(i), b = shadow.get(i);
            float[] x = a.data(), y = b.data();
            for (int j = 0, n = a.size(), ox = a.offset(), oy = b.offset(); j < n; j++) {
                float t = x[ox + j];
                x[ox + j] = y[oy + j];
                y[oy + j] = t;
            }
        }
        swapped = !swapped;
        return swapped;
    }

    /** True while the model holds the average (between two {@link #swap()} calls). */
    public boolean swapped() { return swapped; }

    /** The averages by tensor name (live tensors: for a checkpoint), the update count under {@link #UPDATES}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (updates == 0) return m;
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), swapped ? live.get(i) : shadow.get(i));
        Tensor n = Tensor.zeros(2);
        n.set((float) (updates >>> 24), 0);     // a float holds 24 bits exactly
        n.set((float) (updates & 0xFF_FFFF), 1);
        m.put(UPDATES, n);
        return m;
    }

    /** State key of the update count. */
    public static final String UPDATES = "ema_updates";

    /** Restores {@link #state()}; an absent state (a run without EMA before) starts the average afresh. */
    public void loadState(Map<String, Tensor> state) {
        if (swapped) throw new IllegalStateException("EMA load while the average is swapped into the model");
        Tensor n = state.get(UPDATES);
        if (n == null) {
            updates = 0;
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            if (!OptimizerState.restore(state, names.get(i), shadow.get(i))) {
                throw new IllegalArgumentException("EMA state has no tensor '" + names.get(i) + "'");
            }
        }
        updates = ((long) n.get(0) << 24) | (long) n.get(1);
    }

    @Override
    public String toString() { return "WeightEma(decay " + decay + ", " + updates + " updates)"; }
}

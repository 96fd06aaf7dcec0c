package org.simdnn.nn.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.nn.Parameter;
import org.simdnn.ops.AdamStep;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** The state and loop shared by {@link Adam} and {@link AdamW}. */
final class AdamCore {
    final List<Parameter> params;
    final Backend backend;
    final Tensor[] m, v;
    float lr, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f, weightDecay;
    long steps;

    AdamCore(List<Parameter> params, float lr, float weightDecay, Backend backend) {
        this.params = List.copyOf(params);
        this.backend = backend;
        this.m = new Tensor[this.params.size()];
        this.v = new Tensor[this.params.size()];
        for (int i = 0; i < m.length; i++) {
            Tensor w = this.params.get(i).value();
            m[i] = Tensor.zeros(w.layout(), w.shape());
            v[i] = Tensor.zeros(w.layout(), w.shape());
        }
        setLr(lr);
        setWeightDecay(weightDecay);
    }

    void setLr(float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    void setWeightDecay(float wd) {
        if (!(wd >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + wd);
        this.weightDecay = wd;
    }

    void setBetas(float b1, float b2, float eps) {
        new AdamStep(1f, b1, b2, eps, 0f, false, 1); // validates
        beta1 = b1;
        beta2 = b2;
        epsilon = eps;
    }

    void step(boolean decoupled) {
        long t = steps + 1;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            AdamStep s = new AdamStep(lr, beta1, beta2, epsilon, p.decay() ? weightDecay : 0f, decoupled, t);
            backend.adamStep(s, p.value(), p.grad(), m[i], v[i]);
        }
        steps = t;
    }

    Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            s.put(params.get(i).name() + ".exp_avg", m[i]);
            s.put(params.get(i).name() + ".exp_avg_sq", v[i]);
        }
        return s;
    }

    void loadState(Map<String, Tensor> state, long steps) {
        for (int i = 0; i < params.size(); i++) {
            String n = params.get(i).name();
            if (!OptimizerState.restore(state, n + ".exp_avg", m[i]) | !OptimizerState.restore(state, n + ".exp_avg_sq", v[i])) {
                if (steps > 0) throw new IllegalArgumentException("optimizer state lacks the Adam moments of " + n);
            }
        }
        this.steps = steps;
    }
}

package org.simdnn.nn.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.nn.Parameter;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.ops.SgdStep;
import org.simdnn.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum (PyTorch's rule), applied per parameter by {@code Backend.sgdStep}
 * in one fused pass. With learning rate η, momentum μ, dampening τ, weight decay λ and gradient g of parameter w:
 * <pre>
 *   g   = g + λ w                      (L2 decay; skipped when decoupled)
 *   buf = g                            on the parameter's first step (the buffer starts as the gradient,
 *                                      not as zero, and dampening is not applied)
 *   buf = μ buf + (1 - τ) g            on every later step
 *   d   = g + μ buf   if Nesterov, else buf        (d = g when μ = 0)
 *   w   = w - η d - (decoupled ? η λ w : 0)
 * </pre>
 * λ applies only to parameters whose {@link Parameter#decay()} is true (weights, not biases or batch-norm
 * parameters), unless {@link #decayAllParameters} asks for every parameter, as PyTorch's
 * {@code SGD(model.parameters(), weight_decay=λ)} does. Nesterov requires μ &gt; 0 and τ = 0. Full-batch, online and minibatch SGD differ only in how
 * many samples the gradient was averaged over before {@link #step()} (see {@link Optimizer}).
 *
 * <p>Configure fluently: {@code new Sgd(model.parameters(), 0.05f).momentum(0.9f).nesterov(true).weightDecay(5e-4f)}.
 */
public final class Sgd implements Optimizer {
    private final List<Parameter> params;
    private final Backend backend;
    private final Tensor[] buffers;
    private final boolean[] started;
    private float lr, momentum, dampening, weightDecay;
    private boolean nesterov, decoupled, decayAll;
    private long steps;

    public Sgd(List<Parameter> params, float lr) { this(params, lr, Backends.get()); }

    public Sgd(List<Parameter> params, float lr, Backend backend) {
        this.params = List.copyOf(params);
        this.backend = backend;
        this.buffers = new Tensor[this.params.size()];
        this.started = new boolean[this.params.size()];
        setLr(lr);
    }

    public Sgd momentum(float momentum) {
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        this.momentum = momentum;
        return this;
    }

    public Sgd dampening(float dampening) {
        if (!(dampening >= 0 && dampening <= 1)) throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
        this.dampening = dampening;
        return this;
    }

    public Sgd nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    /** L2 weight decay (added to the gradient, so momentum sees it). */
    public Sgd weightDecay(float weightDecay) {
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.weightDecay = weightDecay;
        this.decoupled = false;
        return this;
    }

    /** Decoupled weight decay {@code w -= lr * λ * w}, outside the momentum (Loshchilov &amp; Hutter). */
    public Sgd decoupledWeightDecay(float weightDecay) {
        weightDecay(weightDecay);
        this.decoupled = true;
        return this;
    }

    /**
     * With {@code true}, weight decay applies to every parameter, biases and batch-norm gamma and beta included
     * (what PyTorch's SGD does with the plain {@code weight_decay} argument); with {@code false} (the default) only
     * to those whose {@link Parameter#decay()} is true.
     */
    public Sgd decayAllParameters(boolean all) {
        this.decayAll = all;
        return this;
    }

    @Override
    public void step() {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalStateException("Nesterov needs momentum > 0 and dampening 0, got momentum " + momentum
                    + ", dampening " + dampening);
        }
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor buf = null;
            if (momentum > 0) {
                buf = buffers[i];
                if (buf == null) buf = buffers[i] = Tensor.zeros(p.value().layout(), p.value().shape());
            }
            SgdStep s = new SgdStep(lr, momentum, dampening, nesterov, decayAll || p.decay() ? weightDecay : 0f, decoupled,
                    !started[i]);
            backend.sgdStep(s, p.value(), p.grad(), buf);
            started[i] = true;
        }
        steps++;
    }

    @Override public float lr() { return lr; }

    @Override
    public void setLr(float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    @Override public long steps() { return steps; }

    @Override public List<Parameter> parameters() { return params; }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            if (buffers[i] != null && started[i]) m.put(params.get(i).name() + ".momentum_buffer", buffers[i]);
        }
        return m;
    }

    @Override
    public void loadState(Map<String, Tensor> state, long steps) {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            Tensor buf = buffers[i] != null ? buffers[i] : Tensor.zeros(p.value().layout(), p.value().shape());
            if (OptimizerState.restore(state, p.name() + ".momentum_buffer", buf)) {
                buffers[i] = buf;
                started[i] = true;
            } else {
                started[i] = steps > 0 && momentum == 0;
            }
        }
        this.steps = steps;
    }

    @Override
    public String toString() {
        return "Sgd(lr " + lr + ", momentum " + momentum + (nesterov ? ", Nesterov" : "") + ", dampening " + dampening
                + ", weight decay " + weightDecay + (decoupled ? " decoupled" : "") + (decayAll ? " on all parameters" : "") + ")";
    }
}

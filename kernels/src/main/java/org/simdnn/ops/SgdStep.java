package org.simdnn.ops;

/**
 * One SGD step's hyper-parameters, applied in one fused pass per parameter (PyTorch's rule):
 * <pre>
 *   g = grad + weightDecay * w                       (L2; skipped when decoupled)
 *   buf = firstStep ? g : momentum * buf + (1 - dampening) * g
 *   d = nesterov ? g + momentum * buf : buf          (d = g when momentum == 0)
 *   w = w - lr * d  - (decoupled ? lr * weightDecay * w : 0)
 * </pre>
 */
public record SgdStep(float lr, float momentum, float dampening, boolean nesterov, float weightDecay,
                      boolean decoupledWeightDecay, boolean firstStep) {
    public SgdStep {
        if (!(lr >= 0) || !(momentum >= 0) || !(weightDecay >= 0) || !(dampening >= 0 && dampening <= 1)) {
            throw new IllegalArgumentException("bad SGD step: lr " + lr + ", momentum " + momentum + ", dampening "
                    + dampening + ", weight decay " + weightDecay);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov needs momentum > 0 and dampening 0, got momentum " + momentum
                    + ", dampening " + dampening);
        }
    }
}

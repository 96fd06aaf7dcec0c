package org.simdnn.ops;

/**
 * One Adam/AdamW step ({@code step} counts from 1):
 * <pre>
 *   g = grad + (decoupled ? 0 : weightDecay * w)
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
 *   w = w - lr * (m / (1 - beta1^step)) / (sqrt(v / (1 - beta2^step)) + eps) - (decoupled ? lr * weightDecay * w : 0)
 * </pre>
 */
public record AdamStep(float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
                       long step) {
    public AdamStep {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)
                || !(weightDecay >= 0) || step < 1) {
            throw new IllegalArgumentException("bad Adam step: lr " + lr + ", betas " + beta1 + "/" + beta2 + ", eps "
                    + epsilon + ", weight decay " + weightDecay + ", step " + step);
        }
    }
}

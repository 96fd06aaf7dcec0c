package org.simdnn.nn.optim;

import java.util.List;
import java.util.Map;
import org.simdnn.nn.Parameter;
import org.simdnn.tensor.Tensor;

/**
 * Updates parameters from their gradients, one fused backend pass per parameter. Call {@link #step()} after
 * {@code backward}; gradients are overwritten by the next backward, so no zeroing is needed.
 *
 * <p>The regimes of gradient descent are only how the trainer feeds it: <em>full batch</em> (one step per epoch
 * with the gradient of the mean loss over the whole set), <em>online/stochastic</em> (one step per sample, batch
 * size 1) and <em>minibatch</em> (one step per batch of B samples, the usual). The optimizer does not know which.
 */
public interface Optimizer {

    /** One update of every parameter from its current gradient; increments {@link #steps()}. */
    void step();

    /** Sets the learning rate from {@code schedule} at the current step count, then steps. */
    default void step(LrSchedule schedule) {
        setLr((float) schedule.lr(steps()));
        step();
    }

    float lr();

    void setLr(float lr);

    /** Steps taken so far. */
    long steps();

    List<Parameter> parameters();

    /** The per-parameter state (momentum buffers, Adam moments) keyed {@code <param name>.<buffer>}; live tensors. */
    Map<String, Tensor> state();

    /**
     * Restores {@link #state()} and the step count saved by a checkpoint: each named tensor is copied in (shapes
     * must match; an error names the tensor and both shapes) and marks its parameter as already stepped.
     */
    void loadState(Map<String, Tensor> state, long steps);
}

package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.ops.Activation;
import org.simdnn.tensor.Tensor;

/** An elementwise activation run by {@code Backend.activationForward/Backward}; any input shape. */
abstract sealed class PointwiseActivation extends AbstractModule permits ReLU, LeakyReLU, Tanh, Sigmoid {
    private final Activation act;
    final float alpha;
    private Tensor x, y, dx;

    PointwiseActivation(Activation act, float alpha) {
        this.act = act;
        this.alpha = alpha;
    }

    @Override
    public final Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        y = reuseLike(y, x);
        backend().activationForward(act, alpha, x, y);
        this.x = x;
        return y;
    }

    @Override
    public final Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        dx = reuseLike(dx, x);
        backend().activationBackward(act, alpha, x, y, requireContiguous(dy), dx);
        return dx;
    }

    @Override public final int[] outputShape(int[] s) { return s.clone(); }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", getClass().getSimpleName());
        return c;
    }

    @Override public String name() { return getClass().getSimpleName(); }
}

package org.simdnn.nn;

import org.simdnn.tensor.Tensor;

/** Max over k x k windows (NHWC); backward scatters dy through the recorded argmax. */
public final class MaxPool2d extends Pool2d {
    private int[] argmax;

    /** k x k window with stride k, no padding. */
    public MaxPool2d(int k) { this(k, k, 0); }

    public MaxPool2d(int k, int stride, int pad) { super(k, stride, pad); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        var d = desc(x);
        y = reuse(y, d.batch(), d.outH(), d.outW(), d.channels());
        if (argmax == null || argmax.length != y.size()) argmax = new int[y.size()];
        backend().maxPool2dForward(d, x, y, argmax);
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        dx = reuseLike(dx, x);
        backend().maxPool2dBackward(desc, requireContiguous(dy), argmax, dx);
        return dx;
    }

    @Override public MaxPool2d shareWeights() { return sharedCopy(new MaxPool2d(k, stride, pad)); }
}

package org.simdnn.nn;

import org.simdnn.tensor.Tensor;

/** Mean over k x k windows (NHWC), dividing by the number of unpadded pixels (count_include_pad=False). */
public final class AvgPool2d extends Pool2d {

    /** k x k window with stride k, no padding. */
    public AvgPool2d(int k) { this(k, k, 0); }

    public AvgPool2d(int k, int stride, int pad) { super(k, stride, pad); }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        var d = desc(x);
        y = reuse(y, d.batch(), d.outH(), d.outW(), d.channels());
        backend().avgPool2dForward(d, x, y);
        this.x = x;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        dx = reuseLike(dx, x);
        backend().avgPool2dBackward(desc, requireContiguous(dy), dx);
        return dx;
    }

    @Override public AvgPool2d shareWeights() { return sharedCopy(new AvgPool2d(k, stride, pad)); }
}

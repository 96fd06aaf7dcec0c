package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.ops.Pool2dDesc;
import org.simdnn.tensor.Tensor;

/** Mean over H and W of NHWC input: {@code [N, H, W, C] -> [N, C]} (ready for a Linear layer). */
public final class GlobalAvgPool2d extends AbstractModule {
    private Pool2dDesc desc;
    private Tensor x, y4, y2, dy4, dyView, dx;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        outputShapeIfChanged(x);
        if (y4 == null || y4.dim(0) != x.dim(0) || y4.dim(3) != x.dim(3)) {
            y4 = reuse(y4, x.dim(0), 1, 1, x.dim(3));
            y2 = y4.reshape(x.dim(0), x.dim(3));
        }
        backend().avgPool2dForward(desc, x, y4);
        this.x = x;
        return y2;
    }

    private void outputShapeIfChanged(Tensor x) {
        Pool2dDesc d = desc;
        if (x.rank() == 4 && d != null && d.batch() == x.dim(0) && d.inH() == x.dim(1) && d.inW() == x.dim(2)
                && d.channels() == x.dim(3)) {
            return;
        }
        outputShape(x.shape());
        desc = Pool2dDesc.global(x.dim(0), x.dim(1), x.dim(2), x.dim(3));
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        dy = requireContiguous(dy);
        if (dy != dyView) {
            dyView = dy;
            dy4 = dy.reshape(desc.batch(), 1, 1, desc.channels());
        }
        dx = reuseLike(dx, x);
        backend().avgPool2dBackward(desc, dy4, dx);
        return dx;
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 4) throw badInput(s, "NHWC [batch, H, W, C]");
        return new int[] {s[0], s[3]};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "GlobalAvgPool2d");
        return c;
    }

    @Override public GlobalAvgPool2d shareWeights() { return sharedCopy(new GlobalAvgPool2d()); }

    @Override public String name() { return "GlobalAvgPool2d"; }
}

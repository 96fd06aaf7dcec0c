package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.tensor.Tensor;

/**
 * {@code [N, d1, d2, ...] -> [N, d1*d2*...]}: a view, no copy. NHWC input flattens in H, W, C order, so a
 * following Linear's weight rows are indexed {@code (h*W + w)*C + c}.
 */
public final class Flatten extends AbstractModule {
    private Tensor x, y, dy, dx;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() < 1) outputShape(x.shape());
        x = requireContiguous(x);
        if (x != this.x) {
            this.x = x;
            y = x.reshape(x.dim(0), x.size() / Math.max(1, x.dim(0)));
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null) throw noForward();
        dy = requireContiguous(dy);
        if (dy != this.dy) {
            this.dy = dy;
            dx = dy.reshape(x.layout(), x.shape());
        }
        return dx;
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length < 1) throw badInput(s, "at least a batch dim");
        long n = 1;
        for (int i = 1; i < s.length; i++) n *= s[i];
        return new int[] {s[0], (int) n};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Flatten");
        return c;
    }

    @Override public Flatten shareWeights() { return sharedCopy(new Flatten()); }

    @Override public String name() { return "Flatten"; }
}

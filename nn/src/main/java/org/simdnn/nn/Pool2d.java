package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.ops.Pool2dDesc;
import org.simdnn.tensor.Tensor;

/** Windowed pooling over NHWC input; the descriptor is rebuilt only when N, H or W change. */
abstract sealed class Pool2d extends AbstractModule permits MaxPool2d, AvgPool2d {
    final int k, stride, pad;
    Pool2dDesc desc;
    Tensor x, y, dx;

    Pool2d(int k, int stride, int pad) {
        if (k < 1 || stride < 1 || pad < 0 || pad >= k) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " needs k >= 1, stride >= 1, 0 <= pad < k; "
                    + "got k " + k + ", stride " + stride + ", pad " + pad);
        }
        this.k = k;
        this.stride = stride;
        this.pad = pad;
    }

    final Pool2dDesc desc(Tensor x) {
        Pool2dDesc d = desc;
        if (d != null && d.batch() == x.dim(0) && d.inH() == x.dim(1) && d.inW() == x.dim(2) && d.channels() == x.dim(3)) {
            return d;
        }
        outputShape(x.shape());
        return desc = new Pool2dDesc(x.dim(0), x.dim(1), x.dim(2), x.dim(3), k, k, stride, stride, pad, pad, pad, pad);
    }

    @Override
    public final int[] outputShape(int[] s) {
        if (s.length != 4) throw badInput(s, "NHWC [batch, H, W, C]");
        if (s[1] + 2 * pad < k || s[2] + 2 * pad < k) throw badInput(s, "H and W (padded) at least the window " + k);
        return new int[] {s[0], (s[1] + 2 * pad - k) / stride + 1, (s[2] + 2 * pad - k) / stride + 1, s[3]};
    }

    @Override
    public final Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", getClass().getSimpleName());
        c.put("kernel", k);
        c.put("stride", stride);
        c.put("padding", pad);
        return c;
    }

    @Override public List<Parameter> parameters() { return List.of(); }

    @Override
    public final String name() {
        return getClass().getSimpleName() + "(" + k + "x" + k + (stride != k ? ", stride " + stride : "")
                + (pad > 0 ? ", pad " + pad : "") + ")";
    }
}

package org.simdnn.onnx;

import java.util.Arrays;

/**
 * ReduceMean over any axes of a value in any storage: the input is walked in storage order, each element
 * added (in double) to its output slot, given by an {@link IndexMap} whose "source" offsets are output
 * offsets (reduced axes contribute 0).
 */
final class ReduceMeanStep extends Step {
    final IndexMap map;
    final int count;

    ReduceMeanStep(String node, Value x, Value y, boolean[] reduced) {
        super("ReduceMean", node, new Value[] {x}, new Value[] {y});
        int r = x.rank();
        int[] outAxisOf = new int[r];
        int[] yStrides = y.rank() == 0 ? new int[0] : y.logicalStrides();
        boolean keep = y.rank() == r;
        int[] strides = new int[r];
        int c = 1;
        for (int i = 0, j = 0; i < r; i++) {
            if (reduced[i]) {
                c *= x.shape[i];
                outAxisOf[i] = -1;
                if (keep) j++;
            } else {
                outAxisOf[i] = i;
                strides[i] = yStrides[j++];
            }
        }
        this.count = c;
        this.map = IndexMap.of(x.shape, x.logicalStrides(), 0, strides, outAxisOf, null);
    }

    @Override
    Runnable bind(Binding b) {
        float[] x = b.data(inputs[0]), y = b.data(outputs[0]);
        double[] acc = new double[out().size()];
        return () -> {
            Arrays.fill(acc, 0);
            if (map.dims.length == 0) acc[0] = x[0];
            else walk(0, x, 0, acc, 0);
            for (int i = 0; i < acc.length; i++) y[i] = (float) (acc[i] / count);
        };
    }

    private void walk(int k, float[] x, int xo, double[] acc, int ao) {
        int n = map.dims[k], xs = map.dstStrides[k];
        int[] o = map.src[k];
        if (k == map.dims.length - 1) {
            for (int j = 0; j < n; j++) acc[ao + o[j]] += x[xo + j * xs];
            return;
        }
        for (int j = 0; j < n; j++) walk(k + 1, x, xo + j * xs, acc, ao + o[j]);
    }

    @Override double flops() { return inputs[0].size(); }

    @Override String detail() { return "mean of " + count; }
}

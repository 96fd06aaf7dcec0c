package org.simdnn.onnx;

import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * Softmax / LogSoftmax over {@code n} elements spaced {@code inner} apart, for each of {@code outer * inner}
 * rows. With {@code inner == 1} (the axis innermost in storage, e.g. the channels of an NHWC value) it is the
 * {@link Backend}'s row softmax; otherwise a strided loop in double.
 */
final class SoftmaxStep extends Step {
    final boolean log;
    final int outer, n, inner;

    SoftmaxStep(String op, String node, Value x, Value y, boolean log, int outer, int n, int inner) {
        super(op, node, new Value[] {x}, new Value[] {y});
        this.log = log;
        this.outer = outer;
        this.n = n;
        this.inner = inner;
    }

    @Override
    Runnable bind(Binding b) {
        Backend be = b.backend();
        if (inner == 1) {
            Tensor x = b.tensor(inputs[0], outer, n), y = b.tensor(outputs[0], outer, n);
            return log ? () -> be.logSoftmax(x, y) : () -> be.softmax(x, y);
        }
        float[] x = b.data(inputs[0]), y = b.data(outputs[0]);
        return () -> strided(x, y);
    }

    private void strided(float[] x, float[] y) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) max = Math.max(max, x[base + j * inner]);
                double sum = 0;
                for (int j = 0; j < n; j++) sum += Math.exp(x[base + j * inner] - max);
                double logSum = Math.log(sum);
                for (int j = 0; j < n; j++) {
                    double z = x[base + j * inner] - max;
                    y[base + j * inner] = (float) (log ? z - logSum : Math.exp(z) / sum);
                }
            }
        }
    }

    @Override double flops() { return 3.0 * outer * n * inner; }

    @Override String detail() { return "over " + n + (inner > 1 ? " (stride " + inner + ")" : ""); }

    @Override String impl() { return inner == 1 ? org.simdnn.ops.Backends.get().name() : "java strided"; }
}

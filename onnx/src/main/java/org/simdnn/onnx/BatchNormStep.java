package org.simdnn.onnx;

import org.simdnn.ops.Backend;
import org.simdnn.ops.BatchNormDesc;
import org.simdnn.tensor.Tensor;

/** BatchNormalization (inference) that could not be folded into a producer: per-channel, channels innermost. */
final class BatchNormStep extends Step {
    final BatchNormDesc desc;
    final float[] gamma, beta, mean, var;

    BatchNormStep(String node, Value x, Value y, float eps, float[] gamma, float[] beta, float[] mean, float[] var) {
        super("BatchNormalization", node, new Value[] {x}, new Value[] {y});
        this.desc = new BatchNormDesc(x.size() / gamma.length, gamma.length, eps, 0.1f, false);
        this.gamma = gamma;
        this.beta = beta;
        this.mean = mean;
        this.var = var;
    }

    @Override
    Runnable bind(Binding b) {
        Backend be = b.backend();
        int c = desc.channels();
        Tensor x = b.tensor(inputs[0], desc.rows(), c), y = b.tensor(outputs[0], desc.rows(), c);
        Tensor g = Tensor.wrap(gamma, c), bt = Tensor.wrap(beta, c), m = Tensor.wrap(mean, c), v = Tensor.wrap(var, c);
        return () -> be.batchNormForwardInference(desc, x, g, bt, m, v, y);
    }

    @Override double flops() { return 2.0 * desc.rows() * desc.channels(); }

    @Override long params() { return 4L * gamma.length; }

    @Override String detail() { return "eps=" + desc.epsilon() + " (not folded: no single Conv/Gemm producer)"; }

    @Override String impl() { return org.simdnn.ops.Backends.get().name(); }
}

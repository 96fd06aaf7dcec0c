package org.simdnn.ffm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.simdnn.ops.*;
import org.simdnn.tensor.Tensor;

/**
 * The base of the native backends: every op forwards to the CPU backend, noted once per op on stderr, until a
 * subclass overrides it with its own implementation (and says so in {@link #supports}).
 */
public abstract class ForwardingBackend implements Backend {
    /** Looked up on first use: a backend is constructed inside {@code Backends.resolve}. */
    private volatile Backend cpu;
    private final Set<Op> noted = ConcurrentHashMap.newKeySet();

    /** The CPU backend. */
    protected final Backend cpu() {
        Backend b = cpu;
        if (b == null) cpu = b = Backends.cpu();
        return b;
    }

    /** The CPU backend, running {@code op} for this one; the first time, stderr says so. */
    protected final Backend cpu(Op op) {
        Backend b = cpu();
        if (noted.add(op)) {
            System.getLogger("org.simdnn").log(System.Logger.Level.INFO,
                    "simdnn: backend " + name() + " forwards " + op + " to " + b.name());
        }
        return b;
    }

    @Override public abstract boolean supports(Op op);

    @Override public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) { cpu(Op.GEMM).sgemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc); }
    @Override public void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) { cpu(Op.CONV2D_FORWARD).conv2dForward(d, x, w, bias, y); }
    @Override public void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) { cpu(Op.CONV2D_BACKWARD_DATA).conv2dBackwardData(d, dy, w, dx); }
    @Override public void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) { cpu(Op.CONV2D_BACKWARD_WEIGHTS).conv2dBackwardWeights(d, x, dy, dw, dbias); }
    @Override public void maxPool2dForward(Pool2dDesc d, Tensor x, Tensor y, int[] argmax) { cpu(Op.MAX_POOL_FORWARD).maxPool2dForward(d, x, y, argmax); }
    @Override public void maxPool2dBackward(Pool2dDesc d, Tensor dy, int[] argmax, Tensor dx) { cpu(Op.MAX_POOL_BACKWARD).maxPool2dBackward(d, dy, argmax, dx); }
    @Override public void avgPool2dForward(Pool2dDesc d, Tensor x, Tensor y) { cpu(Op.AVG_POOL_FORWARD).avgPool2dForward(d, x, y); }
    @Override public void avgPool2dBackward(Pool2dDesc d, Tensor dy, Tensor dx) { cpu(Op.AVG_POOL_BACKWARD).avgPool2dBackward(d, dy, dx); }
    @Override public void batchNormForwardTraining(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) { cpu(Op.BATCH_NORM_TRAIN).batchNormForwardTraining(d, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd); }
    @Override public void batchNormForwardInference(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Tensor y) { cpu(Op.BATCH_NORM_INFERENCE).batchNormForwardInference(d, x, gamma, beta, runningMean, runningVar, y); }
    @Override public void batchNormBackward(BatchNormDesc d, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) { cpu(Op.BATCH_NORM_BACKWARD).batchNormBackward(d, x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta); }
    @Override public void activationForward(Activation act, float alpha, Tensor x, Tensor y) { cpu(Op.ACTIVATION_FORWARD).activationForward(act, alpha, x, y); }
    @Override public void activationBackward(Activation act, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) { cpu(Op.ACTIVATION_BACKWARD).activationBackward(act, alpha, x, y, dy, dx); }
    @Override public void preluForward(Tensor x, Tensor slope, Tensor y) { cpu(Op.PRELU_FORWARD).preluForward(x, slope, y); }
    @Override public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) { cpu(Op.PRELU_BACKWARD).preluBackward(x, slope, dy, dx, dslope); }
    @Override public void softmax(Tensor x, Tensor y) { cpu(Op.SOFTMAX).softmax(x, y); }
    @Override public void logSoftmax(Tensor x, Tensor y) { cpu(Op.LOG_SOFTMAX).logSoftmax(x, y); }
    @Override public float softmaxCrossEntropy(Tensor logits, int[] labels, float labelSmoothing, Tensor dlogits) { return cpu(Op.SOFTMAX_CROSS_ENTROPY).softmaxCrossEntropy(logits, labels, labelSmoothing, dlogits); }
    @Override public void dropoutForward(float p, long seed, Tensor x, Tensor y, Tensor mask) { cpu(Op.DROPOUT_FORWARD).dropoutForward(p, seed, x, y, mask); }
    @Override public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) { cpu(Op.DROPOUT_BACKWARD).dropoutBackward(dy, mask, dx); }
    @Override public void add(Tensor a, Tensor b, Tensor out) { cpu(Op.ADD).add(a, b, out); }
    @Override public void mul(Tensor a, Tensor b, Tensor out) { cpu(Op.MUL).mul(a, b, out); }
    @Override public void scale(float alpha, Tensor x, Tensor out) { cpu(Op.SCALE).scale(alpha, x, out); }
    @Override public void axpy(float alpha, Tensor x, Tensor y) { cpu(Op.AXPY).axpy(alpha, x, y); }
    @Override public void biasAdd(Tensor bias, Tensor y) { cpu(Op.BIAS_ADD).biasAdd(bias, y); }
    @Override public void sumRows(Tensor x, Tensor out, float beta) { cpu(Op.SUM_ROWS).sumRows(x, out, beta); }
    @Override public double sum(Tensor x) { return cpu(Op.SUM).sum(x); }
    @Override public double sumSquares(Tensor x) { return cpu(Op.SUM_SQUARES).sumSquares(x); }
    @Override public void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor momentumBuffer) { cpu(Op.SGD_STEP).sgdStep(s, w, grad, momentumBuffer); }
    @Override public void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) { cpu(Op.ADAM_STEP).adamStep(s, w, grad, m, v); }
}

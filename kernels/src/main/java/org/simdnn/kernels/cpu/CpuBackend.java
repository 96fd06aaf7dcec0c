package org.simdnn.kernels.cpu;

import org.simdnn.kernels.conv.ConvPlanner;
import org.simdnn.kernels.gemm.Gemm;
import org.simdnn.kernels.gemm.PanelGemm;
import org.simdnn.ops.*;
import org.simdnn.tensor.Tensor;

/**
 * The pure-Java backend: Vector API kernels at {@link CpuInfo#VECTOR_BITS}, scalar below that; {@link #scalar()} is
 * its plain-Java form for the first calls of a process.
 */
public final class CpuBackend implements Backend {
    /**
     * True for the {@link #scalar()} form: sgemm, the prepared GEMMs and convolutions and inference max pooling run
     * plain Java whatever the vector width, the fused inverted-residual block is declined (its layers run one by
     * one), the other ops run as in the vector form.
     */
    private final boolean scalar;

    public CpuBackend() { this(false); }

    private CpuBackend(boolean scalar) { this.scalar = scalar; }

    /** Made on first use: a JVM that never asks for the scalar form does not make it. */
    private static final class ScalarForm {
        static final CpuBackend INSTANCE = new CpuBackend(true);
    }

    @Override public String name() { return scalar ? "cpu-scalar" : "cpu"; }

    @Override
    public String describe() {
        return scalar ? "plain Java (the scalar form), " + CpuInfo.summary() : "Java Vector API, " + CpuInfo.summary();
    }

    /** The scalar form when this JVM runs vector kernels; this backend itself when it runs scalar already. */
    @Override
    public Backend scalar() { return scalar || CpuInfo.VECTOR_BITS == 0 ? this : ScalarForm.INSTANCE; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                      float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        if (scalar) {
            Gemm.sgemmScalar(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        } else {
            Gemm.sgemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        }
    }


    @Override
    public void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) {
        OpChecks.conv2dForward(d, x, w, bias, y);
        ConvPlanner.forward(d, x.data(), x.offset(), w.data(), w.offset(), bias == null ? null : bias.data(),
                bias == null ? 0 : bias.offset(), y.data(), y.offset());
    }

    @Override
    public PreparedGemm prepareGemm(boolean transB, int k, int n, float[] b, int offB, float[] bias, int offBias,
                                    Clamp clamp) {
        return scalar ? PanelGemm.ofScalar(transB, k, n, b, offB, bias, offBias, clamp)
                : PanelGemm.of(transB, k, n, b, offB, bias, offBias, clamp);
    }

    @Override
    public PreparedConv2d prepareConv2dForward(Conv2dDesc d, Tensor w, Tensor bias, Clamp clamp) {
        OpChecks.conv2dWeights(d, w, bias, clamp);
        float[] b = bias == null ? null : bias.data();
        int bo = bias == null ? 0 : bias.offset();
        return scalar ? ConvPlanner.prepareForwardScalar(d, w.data(), w.offset(), b, bo, clamp)
                : ConvPlanner.prepareForward(d, w.data(), w.offset(), b, bo, clamp);
    }

    @Override
    public PreparedBlock prepareInvertedResidual(ConvLayer expand, ConvLayer depthwise, ConvLayer project,
                                                 boolean residual) {
        // The scalar form declines: the caller then runs the layers one by one, the 1x1 ones on its plain-Java kernels.
        return scalar ? null : ConvPlanner.prepareInvertedResidual(expand, depthwise, project, residual);
    }

    @Override
    public void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) {
        OpChecks.conv2dBackwardData(d, dy, w, dx);
        ConvPlanner.backwardData(d, dy.data(), dy.offset(), w.data(), w.offset(), dx.data(), dx.offset());
    }

    @Override
    public void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        OpChecks.conv2dBackwardWeights(d, x, dy, dw, dbias);
        ConvPlanner.backwardWeights(d, x.data(), x.offset(), dy.data(), dy.offset(), dw.data(), dw.offset(),
                dbias == null ? null : dbias.data(), dbias == null ? 0 : dbias.offset());
    }

    @Override
    public void maxPool2dForward(Pool2dDesc d, Tensor x, Tensor y, int[] argmax) {
        if (scalar && argmax == null) CpuOps.maxPoolForwardScalar(d, x, y);
        else CpuOps.maxPoolForward(d, x, y, argmax);
    }
    @Override public void maxPool2dBackward(Pool2dDesc d, Tensor dy, int[] argmax, Tensor dx) { CpuOps.maxPoolBackward(d, dy, argmax, dx); }
    @Override public void avgPool2dForward(Pool2dDesc d, Tensor x, Tensor y) { CpuOps.avgPoolForward(d, x, y); }
    @Override public void avgPool2dBackward(Pool2dDesc d, Tensor dy, Tensor dx) { CpuOps.avgPoolBackward(d, dy, dx); }
    @Override public void batchNormForwardTraining(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) { CpuOps.batchNormTraining(d, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd); }
    @Override public void batchNormForwardInference(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Tensor y) { CpuOps.batchNormInference(d, x, gamma, beta, runningMean, runningVar, y); }
    @Override public void batchNormBackward(BatchNormDesc d, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) { CpuOps.batchNormBackward(d, x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta); }
    @Override public void activationForward(Activation act, float alpha, Tensor x, Tensor y) { CpuOps.activationForward(act, alpha, x, y); }
    @Override public void activationBackward(Activation act, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) { CpuOps.activationBackward(act, alpha, x, y, dy, dx); }
    @Override public void preluForward(Tensor x, Tensor slope, Tensor y) { CpuOps.preluForward(x, slope, y); }
    @Override public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) { CpuOps.preluBackward(x, slope, dy, dx, dslope); }
    @Override public void softmax(Tensor x, Tensor y) { CpuOps.softmax(x, y); }
    @Override public void logSoftmax(Tensor x, Tensor y) { CpuOps.logSoftmax(x, y); }
    @Override public float softmaxCrossEntropy(Tensor logits, int[] labels, float labelSmoothing, Tensor dlogits) { return CpuOps.softmaxCrossEntropy(logits, labels, labelSmoothing, dlogits); }
    @Override public void dropoutForward(float p, long seed, Tensor x, Tensor y, Tensor mask) { CpuOps.dropoutForward(p, seed, x, y, mask); }
    @Override public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) { CpuOps.dropoutBackward(dy, mask, dx); }
    @Override public void add(Tensor a, Tensor b, Tensor out) { CpuOps.add(a, b, out); }
    @Override public void mul(Tensor a, Tensor b, Tensor out) { CpuOps.mul(a, b, out); }
    @Override public void scale(float alpha, Tensor x, Tensor out) { CpuOps.scale(alpha, x, out); }
    @Override public void axpy(float alpha, Tensor x, Tensor y) { CpuOps.axpy(alpha, x, y); }
    @Override public void biasAdd(Tensor bias, Tensor y) { CpuOps.biasAdd(bias, y); }
    @Override public void sumRows(Tensor x, Tensor out, float beta) { CpuOps.sumRows(x, out, beta); }
    @Override public double sum(Tensor x) { return CpuOps.sum(x); }
    @Override public double sumSquares(Tensor x) { return CpuOps.sumSquares(x); }
    @Override public void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor momentumBuffer) { CpuOps.sgdStep(s, w, grad, momentumBuffer); }
    @Override public void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) { CpuOps.adamStep(s, w, grad, m, v); }
}

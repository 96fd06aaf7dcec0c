package org.simdnn.ffm.blas;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.simdnn.kernels.conv.Im2col;
import org.simdnn.ops.*;
import org.simdnn.tensor.Tensor;

/**
 * GEMM and groups == 1 convolution (im2col + GEMM) on OpenBLAS; every other op forwards to the CPU backend,
 * which {@link #supports} reports and stderr notes once per op.
 */
public final class OpenBlasBackend implements Backend {
    /** Patch-matrix budget per GEMM (floats); whole images are batched up to it. */
    private static final long PATCH_BUDGET = 1L << 22;

    /** Looked up on first use: the constructor runs inside {@code Backends.get}'s cache update. */
    private volatile Backend cpu;
    private final Set<Op> noted = ConcurrentHashMap.newKeySet();

    /** Throws {@link IllegalStateException} with the reason if OpenBLAS cannot load here. */
    public OpenBlasBackend() {
        Availability a = OpenBlas.availability();
        if (!a.available()) throw new IllegalStateException("OpenBLAS is unavailable: " + a.reason());
    }

    private Backend cpu() {
        Backend b = cpu;
        if (b == null) cpu = b = Backends.cpu();
        return b;
    }

    @Override public String name() { return "openblas"; }

    @Override public String describe() { return OpenBlas.describe() + "; other ops: " + cpu().describe(); }

    @Override
    public boolean supports(Op op) {
        return switch (op) {
            case GEMM, CONV2D_FORWARD, CONV2D_BACKWARD_DATA, CONV2D_BACKWARD_WEIGHTS -> true;
            default -> false;
        };
    }

    private Backend cpu(Op op) {
        Backend b = cpu();
        if (noted.add(op)) System.err.println("simdnn: backend openblas forwards " + op + " to " + b.name());
        return b;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                      float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        OpenBlas.sgemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    // ---- convolution through im2col ------------------------------------------------------------------------

    /** Images per GEMM so the patch matrix stays within {@link #PATCH_BUDGET}; at least one. */
    private static int imagesPerChunk(Conv2dDesc d) {
        long perImage = (long) d.outH() * d.outW() * d.kH() * d.kW() * d.inC();
        if (perImage > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("conv2d " + d.shapeString() + ": one image's patch matrix has "
                    + perImage + " elements, more than a Java array holds");
        }
        return (int) Math.max(1, Math.min(d.batch(), PATCH_BUDGET / Math.max(1, perImage)));
    }

    private static boolean direct(Conv2dDesc d) { return d.isPointwise(); }

    @Override
    public void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) {
        if (d.groups() != 1) { cpu(Op.CONV2D_FORWARD).conv2dForward(d, x, w, bias, y); return; }
        OpChecks.conv2dForward(d, x, w, bias, y);
        int kk = d.kH() * d.kW() * d.inC(), pix = d.outH() * d.outW(), outC = d.outC();
        if (direct(d)) {
            OpenBlas.sgemm(false, false, d.batch() * pix, outC, kk, 1f, x.data(), x.offset(), kk, w.data(), w.offset(),
                    outC, 0f, y.data(), y.offset(), outC);
        } else {
            int chunk = imagesPerChunk(d);
            float[] patches = new float[chunk * pix * kk];
            for (int img = 0; img < d.batch(); img += chunk) {
                int imgs = Math.min(chunk, d.batch() - img);
                Im2col.pack(d, x.data(), x.offset(), img * pix, imgs * pix, patches);
                OpenBlas.sgemm(false, false, imgs * pix, outC, kk, 1f, patches, 0, kk, w.data(), w.offset(), outC, 0f,
                        y.data(), y.offset() + img * pix * outC, outC);
            }
        }
        if (bias != null) {
            float[] yd = y.data(), bd = bias.data();
            int bo = bias.offset();
            for (int r = 0, rows = d.batch() * pix; r < rows; r++) {
                int row = y.offset() + r * outC;
                for (int o = 0; o < outC; o++) yd[row + o] += bd[bo + o];
            }
        }
    }

    @Override
    public void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) {
        if (d.groups() != 1) { cpu(Op.CONV2D_BACKWARD_DATA).conv2dBackwardData(d, dy, w, dx); return; }
        OpChecks.conv2dBackwardData(d, dy, w, dx);
        int kk = d.kH() * d.kW() * d.inC(), pix = d.outH() * d.outW(), outC = d.outC();
        if (direct(d)) { // dx[N*H*W, inC] = dy[N*H*W, outC] * W[inC, outC]^T
            OpenBlas.sgemm(false, true, d.batch() * pix, kk, outC, 1f, dy.data(), dy.offset(), outC, w.data(),
                    w.offset(), outC, 0f, dx.data(), dx.offset(), kk);
            return;
        }
        Arrays.fill(dx.data(), dx.offset(), dx.offset() + dx.size(), 0f);
        int chunk = imagesPerChunk(d);
        float[] dpatches = new float[chunk * pix * kk];
        for (int img = 0; img < d.batch(); img += chunk) {
            int imgs = Math.min(chunk, d.batch() - img);
            OpenBlas.sgemm(false, true, imgs * pix, kk, outC, 1f, dy.data(), dy.offset() + img * pix * outC, outC,
                    w.data(), w.offset(), outC, 0f, dpatches, 0, kk);
            Im2col.scatterAdd(d, dpatches, img * pix, imgs * pix, dx.data(), dx.offset());
        }
    }

    @Override
    public void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        if (d.groups() != 1) { cpu(Op.CONV2D_BACKWARD_WEIGHTS).conv2dBackwardWeights(d, x, dy, dw, dbias); return; }
        OpChecks.conv2dBackwardWeights(d, x, dy, dw, dbias);
        int kk = d.kH() * d.kW() * d.inC(), pix = d.outH() * d.outW(), outC = d.outC();
        if (direct(d)) { // dW[inC, outC] = x[N*H*W, inC]^T * dy[N*H*W, outC]
            OpenBlas.sgemm(true, false, kk, outC, d.batch() * pix, 1f, x.data(), x.offset(), kk, dy.data(), dy.offset(),
                    outC, 0f, dw.data(), dw.offset(), outC);
        } else {
            int chunk = imagesPerChunk(d);
            float[] patches = new float[chunk * pix * kk];
            for (int img = 0; img < d.batch(); img += chunk) {
                int imgs = Math.min(chunk, d.batch() - img);
                Im2col.pack(d, x.data(), x.offset(), img * pix, imgs * pix, patches);
                OpenBlas.sgemm(true, false, kk, outC, imgs * pix, 1f, patches, 0, kk, dy.data(),
                        dy.offset() + img * pix * outC, outC, img == 0 ? 0f : 1f, dw.data(), dw.offset(), outC);
            }
        }
        if (dbias != null) { // column sums of dy, accumulated in double
            double[] acc = new double[outC];
            float[] g = dy.data();
            for (int r = 0, rows = d.batch() * pix; r < rows; r++) {
                int row = dy.offset() + r * outC;
                for (int o = 0; o < outC; o++) acc[o] += g[row + o];
            }
            for (int o = 0; o < outC; o++) dbias.data()[dbias.offset() + o] = (float) acc[o];
        }
    }

    // ---- everything else runs on the CPU backend ------------------------------------------------------------

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

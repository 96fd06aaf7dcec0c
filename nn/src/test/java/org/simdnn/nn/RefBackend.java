package org.simdnn.nn;

import java.util.Arrays;
import org.simdnn.ops.*;
import org.simdnn.reference.Reference;
import org.simdnn.reference.ReferenceConv;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Tensor;

/**
 * The kernels' scalar references ({@link Reference}, {@link ReferenceConv}, {@link ReferenceOps}: plain loops in
 * double, from the kernels test-jar) behind the {@link Backend} interface, so nn's tests run every layer on an
 * oracle independent of the CPU kernels as well as on {@code Backends.get()}. This class only moves tensors in
 * and out; the math lives in the references, once. Tensors must be contiguous.
 */
public final class RefBackend implements Backend {
    @Override public String name() { return "nn-test-reference"; }
    @Override public String describe() { return "the kernels' scalar references behind Backend, in nn's tests"; }

    private static float[] floats(Tensor t) { return Arrays.copyOfRange(t.data(), t.offset(), t.offset() + t.size()); }

    private static double[] in(Tensor t) { return ReferenceOps.d(floats(t)); }

    private static void out(float[] v, Tensor t) { System.arraycopy(v, 0, t.data(), t.offset(), t.size()); }

    private static void out(double[] v, Tensor t) { out(ReferenceOps.f(v), t); }

    @Override
    public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int oa, int lda, float[] b,
                      int ob, int ldb, float beta, float[] c, int oc, int ldc) {
        Reference.sgemm(ta, tb, m, n, k, alpha, a, oa, lda, b, ob, ldb, beta, c, oc, ldc);
    }

    @Override
    public void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) {
        float[] r = new float[y.size()];
        ReferenceConv.forward(d, floats(x), floats(w), bias == null ? null : floats(bias), r);
        out(r, y);
    }

    @Override
    public void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) {
        float[] r = new float[dx.size()];
        ReferenceConv.backwardData(d, floats(dy), floats(w), r);
        out(r, dx);
    }

    @Override
    public void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        float[] r = new float[dw.size()], rb = dbias == null ? null : new float[dbias.size()];
        ReferenceConv.backwardWeights(d, floats(x), floats(dy), r, rb);
        out(r, dw);
        if (dbias != null) out(rb, dbias);
    }

    @Override
    public void maxPool2dForward(Pool2dDesc p, Tensor x, Tensor y, int[] argmax) {
        out(ReferenceOps.maxPool(p, in(x), argmax), y);
    }

    @Override
    public void maxPool2dBackward(Pool2dDesc p, Tensor dy, int[] argmax, Tensor dx) {
        out(ReferenceOps.maxPoolBackward(dx.size(), argmax, in(dy)), dx);
    }

    @Override
    public void avgPool2dForward(Pool2dDesc p, Tensor x, Tensor y) { out(ReferenceOps.avgPool(p, in(x)), y); }

    @Override
    public void avgPool2dBackward(Pool2dDesc p, Tensor dy, Tensor dx) { out(ReferenceOps.avgPoolBackward(p, in(dy)), dx); }

    @Override
    public void batchNormForwardTraining(BatchNormDesc b, Tensor x, Tensor gamma, Tensor beta, Tensor rm, Tensor rv,
                                         Tensor y, Tensor saveMean, Tensor saveInvStd) {
        int rows = b.rows(), c = b.channels();
        double[] xs = in(x), runMean = in(rm), runVar = in(rv);
        double[][] stats = ReferenceOps.bnStats(rows, c, xs);
        double[] invStd = new double[c];
        for (int j = 0; j < c; j++) invStd[j] = 1 / Math.sqrt(stats[1][j] + b.epsilon());
        out(ReferenceOps.bnApply(rows, c, xs, stats[0], stats[1], b.epsilon(), in(gamma), in(beta), b.fusedRelu()), y);
        out(stats[0], saveMean);
        out(invStd, saveInvStd);
        ReferenceOps.bnRunningUpdate(rows, b.momentum(), stats[0], stats[1], runMean, runVar);
        out(runMean, rm);
        out(runVar, rv);
    }

    @Override
    public void batchNormForwardInference(BatchNormDesc b, Tensor x, Tensor gamma, Tensor beta, Tensor rm, Tensor rv,
                                          Tensor y) {
        out(ReferenceOps.bnApply(b.rows(), b.channels(), in(x), in(rm), in(rv), b.epsilon(), in(gamma), in(beta),
                b.fusedRelu()), y);
    }

    @Override
    public void batchNormBackward(BatchNormDesc b, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean,
                                  Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        double[][] g = ReferenceOps.bnBackward(b.rows(), b.channels(), in(x), b.fusedRelu() ? in(y) : null, in(dy),
                in(saveMean), in(saveInvStd), in(gamma));
        out(g[0], dx);
        out(g[1], dgamma);
        out(g[2], dbeta);
    }

    @Override
    public void activationForward(Activation a, float alpha, Tensor x, Tensor y) {
        out(ReferenceOps.act(a, alpha, in(x)), y);
    }

    @Override
    public void activationBackward(Activation a, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        out(ReferenceOps.actBackward(a, alpha, in(x), in(dy)), dx);
    }

    @Override
    public void preluForward(Tensor x, Tensor slope, Tensor y) { out(ReferenceOps.prelu(in(x), in(slope)), y); }

    @Override
    public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        double[][] g = ReferenceOps.preluBackward(in(x), in(slope), in(dy));
        out(g[0], dx);
        out(g[1], dslope);
    }

    @Override
    public void softmax(Tensor x, Tensor y) { out(ReferenceOps.softmax(x.dim(x.rank() - 1), in(x), false), y); }

    @Override
    public void logSoftmax(Tensor x, Tensor y) { out(ReferenceOps.softmax(x.dim(x.rank() - 1), in(x), true), y); }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, float ls, Tensor dlogits) {
        double[] grad = dlogits == null ? null : new double[logits.size()];
        double loss = ReferenceOps.softmaxCrossEntropy(logits.dim(1), in(logits), labels, ls, grad);
        if (dlogits != null) out(grad, dlogits);
        return (float) loss;
    }

    @Override
    public void dropoutForward(float p, long seed, Tensor x, Tensor y, Tensor mask) {
        float[] m = new float[x.size()];
        for (int i = 0; i < m.length; i++) m[i] = ReferenceOps.dropoutMask(p, seed, i);
        out(m, mask);
        mul(x, mask, y);
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) { mul(dy, mask, dx); }

    @Override
    public void add(Tensor a, Tensor b, Tensor o) { out(ReferenceOps.add(in(a), in(b)), o); }

    @Override
    public void mul(Tensor a, Tensor b, Tensor o) { out(ReferenceOps.mul(in(a), in(b)), o); }

    @Override
    public void scale(float alpha, Tensor x, Tensor o) { out(ReferenceOps.axpy(alpha, in(x), null), o); }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) { out(ReferenceOps.axpy(alpha, in(x), in(y)), y); }

    @Override
    public void biasAdd(Tensor bias, Tensor y) { out(ReferenceOps.biasAdd(in(bias), in(y)), y); }

    @Override
    public void sumRows(Tensor x, Tensor o, float beta) {
        double[] s = ReferenceOps.sumRows(o.size(), in(x));
        if (beta != 0) s = ReferenceOps.axpy(beta, in(o), s);
        out(s, o);
    }

    @Override
    public double sum(Tensor x) { return ReferenceOps.sum(in(x)); }

    @Override
    public double sumSquares(Tensor x) { return ReferenceOps.sumSquares(in(x)); }

    @Override
    public void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor buf) {
        double[] ws = in(w), bs = s.momentum() != 0 ? in(buf) : new double[ws.length];
        ReferenceOps.sgd(s.lr(), s.momentum(), s.dampening(), s.nesterov(), s.weightDecay(), s.decoupledWeightDecay(),
                s.firstStep(), ws, in(grad), bs);
        out(ws, w);
        if (s.momentum() != 0) out(bs, buf);
    }

    @Override
    public void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) {
        double[] ws = in(w), ms = in(m), vs = in(v);
        ReferenceOps.adam(s.lr(), s.beta1(), s.beta2(), s.epsilon(), s.weightDecay(), s.decoupled(), s.step(), ws,
                in(grad), ms, vs);
        out(ws, w);
        out(ms, m);
        out(vs, v);
    }
}

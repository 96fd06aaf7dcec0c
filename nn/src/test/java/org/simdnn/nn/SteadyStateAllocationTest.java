package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.simdnn.nn.loss.SoftmaxCrossEntropyLoss;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.ops.*;
import org.simdnn.tensor.Tensor;

/**
 * nn's own per-step allocation, measured with a backend whose ops do nothing (so only the layers, the loss
 * wrapper and the optimizer allocate): after warm-up a CNN training step (forward, loss, backward, SGD) must
 * allocate less than 4 KB — small records and views, never activation buffers (a 32x28x28x8 buffer alone is
 * 800 KB).
 */
class SteadyStateAllocationTest {
    @Test
    void trainingStepAllocatesNoBuffers() {
        var mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            throw new org.opentest4j.TestAbortedException("thread allocation counter not supported on this JVM");
        }
        Backend noop = new NoopBackend();
        Sequential net = new Sequential(new Conv2d(1, 8, 3, 1, 1), new BatchNorm2d(8).withRelu(), new MaxPool2d(2),
                new Dropout(0.25f), new Flatten(), new Linear(14 * 14 * 8, 32), new ReLU(), new Linear(32, 10));
        net.useBackend(noop);
        Sgd sgd = new Sgd(net.parameters(), 0.1f, noop).momentum(0.9f).nesterov(true).weightDecay(5e-4f);
        SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss(0.1f, noop);
        Tensor x = Tensor.zeros(32, 28, 28, 1), g = Tensor.zeros(32, 10);
        int[] y = new int[32];
        Runnable step = () -> {
            ce.compute(net.forward(x, true), y, g);
            net.backward(g);
            sgd.step();
        };
        for (int i = 0; i < 2000; i++) step.run();
        long before = sun.getThreadAllocatedBytes(Thread.currentThread().threadId());
        int steps = 200;
        for (int i = 0; i < steps; i++) step.run();
        long perStep = (sun.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before) / steps;
        System.out.println("nn allocation per training step: " + perStep + " bytes");
        assertTrue(perStep < 4096, perStep + " bytes allocated per step");
    }

    /** Every op a no-op. */
    static final class NoopBackend implements Backend {
        @Override public String name() { return "noop"; }
        @Override public String describe() { return "no-op"; }
        @Override public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int oa, int lda,
                                    float[] b, int ob, int ldb, float beta, float[] c, int oc, int ldc) {}
        @Override public void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) {}
        @Override public void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) {}
        @Override public void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {}
        @Override public void maxPool2dForward(Pool2dDesc d, Tensor x, Tensor y, int[] argmax) {}
        @Override public void maxPool2dBackward(Pool2dDesc d, Tensor dy, int[] argmax, Tensor dx) {}
        @Override public void avgPool2dForward(Pool2dDesc d, Tensor x, Tensor y) {}
        @Override public void avgPool2dBackward(Pool2dDesc d, Tensor dy, Tensor dx) {}
        @Override public void batchNormForwardTraining(BatchNormDesc d, Tensor x, Tensor g, Tensor b, Tensor rm, Tensor rv,
                                                       Tensor y, Tensor sm, Tensor si) {}
        @Override public void batchNormForwardInference(BatchNormDesc d, Tensor x, Tensor g, Tensor b, Tensor rm,
                                                        Tensor rv, Tensor y) {}
        @Override public void batchNormBackward(BatchNormDesc d, Tensor x, Tensor y, Tensor dy, Tensor g, Tensor sm,
                                                Tensor si, Tensor dx, Tensor dg, Tensor db) {}
        @Override public void activationForward(Activation a, float alpha, Tensor x, Tensor y) {}
        @Override public void activationBackward(Activation a, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {}
        @Override public void preluForward(Tensor x, Tensor s, Tensor y) {}
        @Override public void preluBackward(Tensor x, Tensor s, Tensor dy, Tensor dx, Tensor ds) {}
        @Override public void softmax(Tensor x, Tensor y) {}
        @Override public void logSoftmax(Tensor x, Tensor y) {}
        @Override public float softmaxCrossEntropy(Tensor l, int[] y, float s, Tensor d) { return 0f; }
        @Override public void dropoutForward(float p, long seed, Tensor x, Tensor y, Tensor mask) {}
        @Override public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {}
        @Override public void add(Tensor a, Tensor b, Tensor out) {}
        @Override public void mul(Tensor a, Tensor b, Tensor out) {}
        @Override public void scale(float alpha, Tensor x, Tensor out) {}
        @Override public void axpy(float alpha, Tensor x, Tensor y) {}
        @Override public void biasAdd(Tensor bias, Tensor y) {}
        @Override public void sumRows(Tensor x, Tensor out, float beta) {}
        @Override public double sum(Tensor x) { return 0; }
        @Override public double sumSquares(Tensor x) { return 0; }
        @Override public void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor buf) {}
        @Override public void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) {}
    }
}

package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.loss.BceWithLogitsLoss;
import org.simdnn.nn.loss.SoftmaxCrossEntropyLoss;
import org.simdnn.nn.optim.Adam;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** A 2-8-1 MLP learns XOR (which no linear model can) with full-batch SGD, and a 2-8-2 one with Adam + softmax CE. */
class XorTest {
    static Stream<Backend> backends() { return TestBackends.all(); }

    private static final Tensor X = Tensor.wrap(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);

    @ParameterizedTest @MethodSource("backends")
    void mlpLearnsXorWithSgd(Backend b) throws Throwable {
        TestBackends.run(() -> {
            Sequential net = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1)).initialize(7);
            net.useBackend(b);
            Tensor t = Tensor.wrap(new float[] {0, 1, 1, 0}, 4, 1), grad = Tensor.zeros(4, 1);
            BceWithLogitsLoss bce = new BceWithLogitsLoss(b);
            Sgd sgd = new Sgd(net.parameters(), 0.5f, b).momentum(0.9f);
            float loss = Float.NaN;
            for (int step = 0; step < 500; step++) {
                loss = bce.compute(net.forward(X, true), t, grad);
                net.backward(grad);
                sgd.step();
            }
            assertTrue(loss < 0.05, "loss " + loss);
            float[] y = new InferenceSession(net).predict(X).toArray();
            int[] pred = new int[4];
            for (int i = 0; i < 4; i++) pred[i] = y[i] > 0 ? 1 : 0;
            assertArrayEquals(new int[] {0, 1, 1, 0}, pred);
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void mlpLearnsXorWithAdamAndSoftmax(Backend b) throws Throwable {
        TestBackends.run(() -> {
            Sequential net = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2)).initialize(3);
            net.useBackend(b);
            int[] labels = {0, 1, 1, 0};
            Tensor grad = Tensor.zeros(4, 2);
            SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss(0f, b);
            Adam adam = new Adam(net.parameters(), 0.05f, 0f, b);
            for (int step = 0; step < 300; step++) {
                ce.compute(net.forward(X, true), labels, grad);
                net.backward(grad);
                adam.step();
            }
            assertArrayEquals(labels, new InferenceSession(net).classify(X));
        });
    }
}

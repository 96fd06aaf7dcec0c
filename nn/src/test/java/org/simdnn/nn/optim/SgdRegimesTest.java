package org.simdnn.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.GradCheck;
import org.simdnn.nn.Linear;
import org.simdnn.nn.TestBackends;
import org.simdnn.nn.loss.MseLoss;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * The three regimes of SGD are one optimizer fed differently: full batch (one step per epoch on all 64 samples),
 * online (one step per sample) and minibatch (8 samples a step). On noise-free linear data y = x·w* + b* each
 * recovers w* and b* to 1e-3.
 */
class SgdRegimesTest {
    static Stream<Backend> backends() { return TestBackends.all(); }

    private static final float[] W_STAR = {0.5f, -1.25f, 2f};
    private static final float B_STAR = 0.75f;

    @ParameterizedTest @MethodSource("backends")
    void fullBatchOnlineAndMinibatchReachTheSameSolution(Backend b) throws Throwable {
        Tensor x = GradCheck.random(1, 64, 3);
        Tensor y = Tensor.zeros(64, 1);
        for (int i = 0; i < 64; i++) {
            float s = B_STAR;
            for (int j = 0; j < 3; j++) s += x.get(i, j) * W_STAR[j];
            y.set(s, i, 0);
        }
        for (int batch : new int[] {64, 1, 8}) {
            TestBackends.run(() -> {
                Linear model = new Linear(3, 1);
                model.useBackend(b);
                Sgd sgd = new Sgd(model.parameters(), batch == 1 ? 0.05f : 0.3f, b).momentum(0.5f);
                MseLoss mse = new MseLoss(b);
                Tensor grad = Tensor.zeros(batch, 1);
                for (int epoch = 0; epoch < (batch == 64 ? 600 : 150); epoch++) {
                    for (int s = 0; s < 64; s += batch) {
                        Tensor xb = x.slice(0, s, s + batch), yb = y.slice(0, s, s + batch);
                        mse.compute(model.forward(xb, true), yb, grad);
                        model.backward(grad);
                        sgd.step();
                    }
                }
                for (int j = 0; j < 3; j++) assertEquals(W_STAR[j], model.weight().value().get(j, 0), 1e-3, "batch " + batch);
                assertEquals(B_STAR, model.bias().value().get(0), 1e-3, "batch " + batch);
            });
        }
    }
}

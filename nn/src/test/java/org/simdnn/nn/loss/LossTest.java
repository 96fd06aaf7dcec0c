package org.simdnn.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.GradCheck;
import org.simdnn.nn.TestBackends;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** Loss values computed by hand and gradients checked by central differences (eps 1e-2, tol 1e-3 + 1e-2 rel). */
class LossTest {
    static Stream<Backend> backends() { return TestBackends.all(); }

    /** Central-difference check of grad for a scalar loss f(pred). */
    private static void fd(Tensor pred, float[] grad, ToDoubleFunction<Tensor> f) {
        float[] d = pred.data();
        for (int i = 0; i < d.length; i++) {
            float s = d[i];
            d[i] = s + 1e-2f;
            double lp = f.applyAsDouble(pred);
            d[i] = s - 1e-2f;
            double lm = f.applyAsDouble(pred);
            d[i] = s;
            double num = (lp - lm) / 2e-2;
            assertEquals(num, grad[i], 1e-3 + 1e-2 * Math.abs(num), "d/dpred[" + i + "]");
        }
    }

    @ParameterizedTest @MethodSource("backends")
    void mse(Backend b) throws Throwable {
        TestBackends.run(() -> {
            MseLoss l = new MseLoss(b);
            Tensor p = Tensor.wrap(new float[] {1, 2, 3, 4}, 2, 2), t = Tensor.wrap(new float[] {1, 0, 4, 2}, 2, 2);
            Tensor g = Tensor.zeros(2, 2);
            assertEquals((0 + 4 + 1 + 4) / 4f, l.compute(p, t, g), 1e-6);
            assertArrayEquals(new float[] {0, 1, -0.5f, 1}, g.toArray(), 1e-6f);
            Tensor p2 = GradCheck.random(1, 3, 5), t2 = GradCheck.random(2, 3, 5), g2 = Tensor.zeros(3, 5);
            l.compute(p2, t2, g2);
            fd(p2, g2.toArray(), x -> l.compute(x, t2, Tensor.zeros(3, 5)));
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void softmaxCrossEntropyWithAndWithoutSmoothing(Backend b) throws Throwable {
        TestBackends.run(() -> {
            // logits [0, ln 3]: softmax = [1/4, 3/4]; label 1 -> loss ln(4/3)
            Tensor z = Tensor.wrap(new float[] {0f, (float) Math.log(3)}, 1, 2);
            Tensor g = Tensor.zeros(1, 2);
            assertEquals(Math.log(4.0 / 3), new SoftmaxCrossEntropyLoss(0f, b).compute(z, new int[] {1}, g), 1e-6);
            assertArrayEquals(new float[] {0.25f, -0.25f}, g.toArray(), 1e-6f);
            // smoothing 0.2 over 2 classes: q = [0.1, 0.9]
            double expected = -(0.1 * Math.log(0.25) + 0.9 * Math.log(0.75));
            assertEquals(expected, new SoftmaxCrossEntropyLoss(0.2f, b).compute(z, new int[] {1}, g), 1e-6);
            assertArrayEquals(new float[] {0.15f, -0.15f}, g.toArray(), 1e-6f);
            Tensor z2 = GradCheck.random(3, 4, 5), g2 = Tensor.zeros(4, 5);
            int[] y = {0, 4, 2, 2};
            SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss(0.1f, b);
            ce.compute(z2, y, g2);
            fd(z2, g2.toArray(), x -> ce.compute(x, y, null));
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void binaryCrossEntropyWithLogits(Backend b) throws Throwable {
        TestBackends.run(() -> {
            BceWithLogitsLoss l = new BceWithLogitsLoss(b);
            Tensor z = Tensor.wrap(new float[] {0f, 100f, -100f}, 3), t = Tensor.wrap(new float[] {1f, 1f, 1f}, 3);
            Tensor g = Tensor.zeros(3);
            // ln 2 for z = 0; 0 for a confident right answer; 100 for a confident wrong one (no overflow)
            assertEquals((Math.log(2) + 0 + 100) / 3, l.compute(z, t, g), 1e-5);
            assertArrayEquals(new float[] {-0.5f / 3, 0f, -1f / 3}, g.toArray(), 1e-6f);
            Tensor z2 = GradCheck.random(4, 2, 6), t2 = GradCheck.random(5, 2, 6), g2 = Tensor.zeros(2, 6);
            for (int i = 0; i < 12; i++) t2.data()[i] = (t2.data()[i] + 1) / 2;
            l.compute(z2, t2, g2);
            fd(z2, g2.toArray(), x -> l.compute(x, t2, Tensor.zeros(2, 6)));
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void hingeAndPerceptronLoss(Backend b) {
        HingeLoss h = new HingeLoss();
        Tensor z = Tensor.wrap(new float[] {2f, 0.5f, -1f, 0.5f}, 4), y = Tensor.wrap(new float[] {1, 1, 1, -1}, 4);
        Tensor g = Tensor.zeros(4);
        assertEquals((0 + 0.5 + 2 + 1.5) / 4, h.compute(z, y, g), 1e-6);
        assertArrayEquals(new float[] {0, -0.25f, -0.25f, 0.25f}, g.toArray(), 1e-7f);
        assertEquals((0 + 0 + 1 + 0.5) / 4, HingeLoss.perceptron().compute(z, y, g), 1e-6);
        assertArrayEquals(new float[] {0, 0, -0.25f, 0.25f}, g.toArray(), 1e-7f);
        // multiclass: scores [1, 2, 0.5], label 0, margin 1: slack for class 1 = 2, class 2 = 0.5
        Tensor s = Tensor.wrap(new float[] {1f, 2f, 0.5f}, 1, 3), gs = Tensor.zeros(1, 3);
        assertEquals(2.5, h.compute(s, new int[] {0}, gs), 1e-6);
        assertArrayEquals(new float[] {-2, 1, 1}, gs.toArray(), 1e-7f);
        Tensor s2 = GradCheck.random(6, 3, 4), gs2 = Tensor.zeros(3, 4);
        int[] lab = {1, 3, 0};
        h.compute(s2, lab, gs2);
        fd(s2, gs2.toArray(), x -> h.compute(x, lab, Tensor.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> h.compute(z, Tensor.wrap(new float[] {1, 0, 1, 1}, 4), g));
    }
}

package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.simdnn.nn.GradCheck.awayFromZero;
import static org.simdnn.nn.GradCheck.distinct;
import static org.simdnn.nn.GradCheck.random;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** Finite-difference checks (see {@link GradCheck} for the tolerance) of every layer's backward, on every backend. */
class LayerGradientTest {
    static java.util.stream.Stream<Backend> backends() { return TestBackends.all(); }

    private static final Runnable NOTHING = () -> {};

    private static void check(Backend b, Module m, Tensor x) throws Throwable {
        m.useBackend(b);
        TestBackends.run(() -> GradCheck.check(m, x, NOTHING));
    }

    private static void randomize(Module m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : m.parameters()) {
            float[] d = p.value().data();
            for (int i = 0; i < p.size(); i++) d[p.value().offset() + i] += (float) r.nextDouble(-0.3, 0.3);
        }
    }

    @ParameterizedTest @MethodSource("backends")
    void linear(Backend b) throws Throwable {
        Linear l = new Linear(7, 5);
        randomize(l, 1); // non-zero bias
        check(b, l, random(2, 3, 7));
        check(b, new Linear(4, 3, false), random(3, 1, 4));
    }

    @ParameterizedTest @MethodSource("backends")
    void conv2d(Backend b) throws Throwable {
        Conv2d plain = new Conv2d(3, 4, 3, 1, 1);
        randomize(plain, 4);
        check(b, plain, random(5, 2, 5, 5, 3));
        check(b, Conv2d.builder(2, 3).kernel(3).stride(2).pad(1).build(), random(6, 2, 7, 6, 2)); // stride 2
        check(b, Conv2d.builder(2, 2).kernel(3).pad(2).dilation(2).bias(false).build(), random(7, 1, 6, 6, 2)); // dilation 2, no bias
        check(b, Conv2d.builder(4, 6).kernel(1, 3).pad(0, 1).groups(2).build(), random(8, 2, 4, 5, 4)); // groups 2, 1x3
        check(b, Conv2d.builder(3, 3).kernel(3).pad(1).groups(3).build(), random(9, 1, 4, 4, 3)); // depthwise
    }

    @ParameterizedTest @MethodSource("backends")
    void batchNorm(Backend b) throws Throwable {
        BatchNorm1d bn1 = new BatchNorm1d(5);
        randomize(bn1, 10);
        check(b, bn1, random(11, 6, 5));
        BatchNorm2d bn2 = new BatchNorm2d(3);
        randomize(bn2, 12);
        check(b, bn2, random(13, 2, 3, 3, 3));
    }

    /** BN with fused ReLU must equal BN followed by ReLU, forward and backward (input and parameter gradients). */
    @ParameterizedTest @MethodSource("backends")
    void batchNormFusedReluEqualsBatchNormThenRelu(Backend b) throws Throwable {
        TestBackends.run(() -> {
            BatchNorm2d fused = new BatchNorm2d(4).withRelu();
            BatchNorm2d bn = new BatchNorm2d(4);
            ReLU relu = new ReLU();
            for (Module m : new Module[] {fused, bn, relu}) m.useBackend(b);
            Tensor x = random(14, 3, 4, 5, 4), dy = random(15, 3, 4, 5, 4);
            float[] yf = fused.forward(x, true).toArray();
            float[] yu = relu.forward(bn.forward(x, true), true).toArray();
            assertArrayEquals(yu, yf, 1e-5f);
            float[] dxf = fused.backward(dy).toArray();
            float[] dxu = bn.backward(relu.backward(dy)).toArray();
            assertArrayEquals(dxu, dxf, 1e-4f);
            assertArrayEquals(bn.gamma().grad().toArray(), fused.gamma().grad().toArray(), 1e-4f);
            assertArrayEquals(bn.beta().grad().toArray(), fused.beta().grad().toArray(), 1e-4f);
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void activations(Backend b) throws Throwable {
        check(b, new ReLU(), awayFromZero(16, 4, 6));
        check(b, new LeakyReLU(0.1f), awayFromZero(17, 4, 6));
        check(b, new Tanh(), random(18, 4, 6));
        check(b, new Sigmoid(), random(19, 2, 3, 2, 2));
        PReLU p = new PReLU(3);
        check(b, p, awayFromZero(20, 2, 2, 2, 3));
    }

    @ParameterizedTest @MethodSource("backends")
    void pooling(Backend b) throws Throwable {
        check(b, new MaxPool2d(2), distinct(21, 2, 4, 4, 3));
        check(b, new MaxPool2d(3, 2, 1), distinct(22, 1, 5, 5, 2));
        check(b, new AvgPool2d(2), random(23, 2, 4, 4, 3));
        check(b, new AvgPool2d(3, 2, 1), random(24, 1, 5, 5, 2));
        check(b, new GlobalAvgPool2d(), random(25, 2, 3, 3, 4));
    }

    @ParameterizedTest @MethodSource("backends")
    void flattenIsAViewBothWays(Backend b) throws Throwable {
        Flatten f = new Flatten();
        f.useBackend(b);
        Tensor x = random(26, 2, 3, 3, 4);
        Tensor y = f.forward(x, true);
        assertArrayEquals(new int[] {2, 36}, y.shape());
        assertEquals(x.data(), y.data());
        Tensor dy = random(27, 2, 36);
        Tensor dx = f.backward(dy);
        assertArrayEquals(x.shape(), dx.shape());
        assertArrayEquals(dy.toArray(), dx.toArray());
        check(b, f, x);
    }

    @ParameterizedTest @MethodSource("backends")
    void dropoutWithAFixedMask(Backend b) throws Throwable {
        Dropout d = new Dropout(0.4f, 99);
        d.useBackend(b);
        TestBackends.run(() -> GradCheck.check(d, random(28, 4, 10), () -> d.setStep(0)));
        TestBackends.run(() -> {
            Tensor x = random(29, 50, 40);
            d.setStep(0);
            float[] y = d.forward(x, true).toArray();
            int zeros = 0;
            for (int i = 0; i < y.length; i++) {
                if (y[i] == 0f) zeros++;
                else assertEquals(x.data()[i] / 0.6f, y[i], 1e-5f);
            }
            assertEquals(0.4, zeros / 2000.0, 0.05, "dropout rate");
            assertArrayEquals(x.toArray(), d.forward(x, false).toArray(), "eval is the identity");
            d.setStep(0);
            float[] again = d.forward(x, true).toArray();
            assertArrayEquals(y, again, "same step, same mask");
            float[] next = d.forward(x, true).toArray();
            assertEquals(false, java.util.Arrays.equals(y, next), "the next step draws a new mask");
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void smallCnn(Backend b) throws Throwable {
        Sequential net = new Sequential(
                new Conv2d(2, 4, 3, 1, 1), new BatchNorm2d(4), new Tanh(), new AvgPool2d(2),
                new Conv2d(4, 3, 3, 1, 1), new Sigmoid(), new GlobalAvgPool2d(), new Linear(3, 3));
        net.initialize(30);
        randomize(net, 31);
        check(b, net, random(32, 2, 4, 4, 2));
    }

    @ParameterizedTest @MethodSource("backends")
    void smallMlp(Backend b) throws Throwable {
        Sequential net = new Sequential(new Flatten(), new Linear(12, 6), new BatchNorm1d(6), new Tanh(),
                new Linear(6, 5), new PReLU(5), new Linear(5, 2));
        net.initialize(33);
        randomize(net, 34);
        check(b, net, random(35, 4, 2, 2, 3));
    }
}

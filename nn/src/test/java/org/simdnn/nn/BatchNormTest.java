package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

class BatchNormTest {
    static Stream<Backend> backends() { return TestBackends.all(); }

    /** Eval with running statistics equal to the batch statistics reproduces the training output. */
    @ParameterizedTest @MethodSource("backends")
    void evalWithBatchStatisticsEqualsTrain(Backend b) throws Throwable {
        for (boolean relu : new boolean[] {false, true}) {
            TestBackends.run(() -> {
                BatchNorm2d bn = new BatchNorm2d(5).with(1e-3f, 0.1f);
                if (relu) bn.withRelu();
                bn.useBackend(b);
                Tensor g = GradCheck.random(1, 5), be = GradCheck.random(2, 5);
                bn.gamma().value().copyFrom(g);
                bn.beta().value().copyFrom(be);
                Tensor x = GradCheck.random(3, 3, 4, 4, 5);
                for (int i = 0; i < x.size(); i++) x.data()[i] = 3 * x.data()[i] + 2; // mean ~2, std ~1.7
                float[] train = bn.forward(x, true).toArray();
                double[] mean = new double[5], var = new double[5];
                float[] xd = x.toArray();
                for (int i = 0; i < xd.length; i++) mean[i % 5] += xd[i] / 48.0;
                for (int i = 0; i < xd.length; i++) var[i % 5] += Math.pow(xd[i] - mean[i % 5], 2) / 48.0;
                for (int c = 0; c < 5; c++) {
                    assertEquals(mean[c], bn.savedMean().get(c), 1e-5);
                    assertEquals(1 / Math.sqrt(var[c] + 1e-3), bn.savedInvStd().get(c), 1e-4);
                    bn.runningMean().set((float) mean[c], c);
                    bn.runningVar().set((float) var[c], c);
                }
                float[] eval = bn.forward(x, false).toArray();
                assertArrayEquals(train, eval, 1e-4f);
            });
        }
    }

    /** running = (1 - m) running + m batch, with the unbiased batch variance; eval then uses it. */
    @ParameterizedTest @MethodSource("backends")
    void runningStatisticsFollowTheMomentumRule(Backend b) throws Throwable {
        TestBackends.run(() -> {
            BatchNorm1d bn = new BatchNorm1d(2).with(1e-5f, 0.25f);
            bn.useBackend(b);
            Tensor x = Tensor.wrap(new float[] {1, 10, 2, 20, 3, 30, 6, 40}, 4, 2);
            bn.forward(x, true);
            // channel 0: mean 3, unbiased var (4+1+0+9)/3 = 14/3; channel 1: mean 25, var (225+25+25+225)/3
            assertEquals(0.25 * 3, bn.runningMean().get(0), 1e-5);
            assertEquals(0.75 + 0.25 * 14 / 3.0, bn.runningVar().get(0), 1e-5);
            assertEquals(0.25 * 25, bn.runningMean().get(1), 1e-4);
            assertEquals(0.75 + 0.25 * 500 / 3.0, bn.runningVar().get(1), 1e-3);
            bn.forward(x, true);
            assertEquals(0.75 * 0.75 + 0.25 * 3, bn.runningMean().get(0), 1e-5);
            float[] y = bn.forward(Tensor.wrap(new float[] {1, 1}, 1, 2), false).toArray();
            double rm = bn.runningMean().get(0), rv = bn.runningVar().get(0);
            assertEquals((1 - rm) / Math.sqrt(rv + 1e-5), y[0], 1e-5);
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void backwardNeedsATrainingForward(Backend b) throws Throwable {
        TestBackends.run(() -> {
            BatchNorm1d bn = new BatchNorm1d(3);
            bn.useBackend(b);
            bn.forward(GradCheck.random(1, 4, 3), false);
            var e = assertThrows(IllegalStateException.class, () -> bn.backward(GradCheck.random(2, 4, 3)));
            assertEquals(true, e.getMessage().contains("BatchNorm1d(3)"), e.getMessage());
        });
    }
}

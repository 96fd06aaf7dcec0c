package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.Linear;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.Normalization;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** The NaN/Inf guard names the step and the layer, and stops before touching the weights. */
class NanGuardTest {
    private static Sequential mlp() {
        return new Sequential(new Linear(64, 32), new ReLU(), new Linear(32, 10)).initialize(3);
    }

    private static TrainConfig recipe(float lr) {
        return new TrainConfig("test-mlp", 1, 16, lr, 0.9f, true, 0f, false, 0f, 0, false, 1, Augmentation.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.simdnn.nn.TestBackends#all")
    void nanInAWeightIsNamedWithItsLayerAndStep(Backend backend) throws Throwable {
        TrainTestSupport.withBackendOps(() -> {
            Sequential m = mlp();
            SgdTrainer t = new SgdTrainer(m, recipe(0.01f), 4, backend);
            Tensor x = Tensor.zeros(16, 8, 8, 1);
            x.fill(0.5f);
            int[] y = new int[16];
            t.step(x, y);
            t.step(x, y);
            Tensor w = m.parameters().get(2).value(); // "2.weight" of Linear(32->10)
            w.set(Float.NaN, 3, 4);
            float[] before = m.parameters().get(0).value().toArray();
            NonFiniteException e = assertThrows(NonFiniteException.class, () -> t.step(x, y));
            assertEquals(2, e.step());
            assertTrue(e.getMessage().contains("step 2") && e.getMessage().contains("2.weight")
                    && e.getMessage().contains("layer 2 Linear"), e.getMessage());
            assertArrayEquals(before, m.parameters().get(0).value().toArray(), "no update after the guard fired");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.simdnn.nn.TestBackends#all")
    void nanInTheInputIsReported(Backend backend) throws Throwable {
        TrainTestSupport.withBackendOps(() -> {
            SgdTrainer t = new SgdTrainer(mlp(), recipe(0.01f), 4, backend);
            Tensor x = Tensor.zeros(16, 8, 8, 1);
            x.set(Float.POSITIVE_INFINITY, 5, 1, 1, 0);
            NonFiniteException e = assertThrows(NonFiniteException.class, () -> t.step(x, new int[16]));
            assertTrue(e.getMessage().contains("input batch"), e.getMessage());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.simdnn.nn.TestBackends#all")
    void divergingLearningRateStopsTheEpoch(Backend backend) throws Throwable {
        TrainTestSupport.withBackendOps(() -> {
            try (BatchLoader l = new BatchLoader(TrainTestSupport.bars(256, 8, 1), 16, true, 1, Augmentation.NONE,
                    Normalization.UNIT, true)) {
                SgdTrainer t = new SgdTrainer(mlp(), recipe(1e30f), l.batchesPerEpoch(), backend);
                NonFiniteException e = assertThrows(NonFiniteException.class, () -> t.trainEpoch(l, ProgressListener.NONE));
                assertTrue(e.getMessage().contains("layer"), e.getMessage());
                assertEquals(0, t.epochsDone(), "the epoch must not count");
            }
        });
    }
}

package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.BatchNorm2d;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.Linear;
import org.simdnn.nn.MaxPool2d;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.io.SafeTensors;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * Resume-after-interrupt equivalence: 2 epochs straight vs 1 epoch, a checkpoint written to disk and read
 * back into a fresh model and trainer, then the 2nd epoch; the weights, BN statistics and momentum must be
 * bit-identical. The network has every stateful piece of the CNN: BN running statistics, dropout RNG
 * position, momentum buffers, the warm-up + cosine schedule position, augmentation. The checkpoint goes through
 * {@link ModelIo}, as {@code simdnn train}'s do. Runs on nn's scalar reference backend and on the default (CPU)
 * backend.
 */
class TrainerResumeTest {
    @TempDir Path dir;

    private static final Dataset DATA = TrainTestSupport.bars(96, 8, 3);

    private static Sequential smallCnn(long seed) {
        Sequential m = new Sequential(
                Conv2d.builder(1, 4).kernel(3).pad(1).bias(false).build(), new BatchNorm2d(4).withRelu(),
                new MaxPool2d(2), new Flatten(), new Dropout(0.25f, seed + 1),
                new Linear(4 * 4 * 4, 16), new ReLU(), new Dropout(0.5f, seed + 2), new Linear(16, 10));
        m.skipInputGradient();
        return m.initialize(seed);
    }

    private static TrainConfig recipe() {
        return new TrainConfig("test-cnn", 2, 16, 0.05f, 0.9f, true, 5e-4f, true, 0.1f, 1, true, 11,
                new Augmentation(1, 0.5f));
    }

    private static BatchLoader loader(TrainConfig c) {
        return new BatchLoader(DATA, c.batchSize(), true, c.seed(), c.augmentation(), Normalization.UNIT, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.simdnn.nn.TestBackends#all")
    void twoEpochsEqualOnePlusResumedOne(Backend backend) throws Throwable {
        TrainTestSupport.withBackendOps(() -> resumeIsExact(backend, recipe()));
    }

    /** The time-to-accuracy levers keep resume exact: the EMA's averages and update count are in the checkpoint. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.simdnn.nn.TestBackends#all")
    void resumeWithEmaAndLinearDecayIsExact(Backend backend) throws Throwable {
        TrainTestSupport.withBackendOps(() -> {
            TrainConfig c = recipe().withLinearSchedule(1).withEma(0.9f).withFlipAverage(true);
            Map<String, Tensor> straight = resumeIsExact(backend, c);
            assertTrue(straight.keySet().stream().anyMatch(k -> k.startsWith(ModelIo.OPTIMIZER_PREFIX + SgdTrainer.EMA_PREFIX)),
                    "the EMA is part of the state: " + straight.keySet());
        });
    }

    /** Trains 2 epochs straight and 1 + resumed 1; asserts every saved tensor equal; returns the straight run's. */
    private Map<String, Tensor> resumeIsExact(Backend backend, TrainConfig c) throws Exception {
        Map<String, Tensor> straight;
        try (BatchLoader l = loader(c)) {
            SgdTrainer t = new SgdTrainer(smallCnn(5), c, l.batchesPerEpoch(), backend);
            t.trainEpoch(l, ProgressListener.NONE);
            t.trainEpoch(l, ProgressListener.NONE);
            straight = TrainTestSupport.checkpointTensors(t, dir.resolve("straight.ckpt.safetensors"));
            assertEquals(2 * l.batchesPerEpoch(), t.steps());
        }
        Path ckpt = dir.resolve("run.ckpt.safetensors");
        try (BatchLoader l = loader(c)) {
            SgdTrainer first = new SgdTrainer(smallCnn(5), c, l.batchesPerEpoch(), backend);
            first.trainEpoch(l, ProgressListener.NONE);
            first.saveCheckpoint(ckpt, Map.of());
        }
        Map<String, Tensor> resumed;
        try (BatchLoader l = loader(c)) {
            // the same architecture and dropout seeds, other initial weights: they must all come from the file
            SgdTrainer second = new SgdTrainer(smallCnn(5).initialize(999), c, l.batchesPerEpoch(), backend);
            second.restore(ModelIo.loadCheckpoint(ckpt));
            assertEquals(1, second.epochsDone());
            assertEquals(l.batchesPerEpoch(), second.steps());
            second.trainEpoch(l, ProgressListener.NONE);
            resumed = TrainTestSupport.checkpointTensors(second, dir.resolve("resumed.ckpt.safetensors"));
        }
        // the counters too: epochs done, optimizer steps, each dropout layer's position
        assertEquals(SafeTensors.read(dir.resolve("straight.ckpt.safetensors")).metadata(),
                SafeTensors.read(dir.resolve("resumed.ckpt.safetensors")).metadata());
        assertEquals(straight.keySet(), resumed.keySet());
        assertTrue(straight.keySet().stream().anyMatch(k -> k.startsWith(ModelIo.OPTIMIZER_PREFIX)), "momentum is part of the state");
        assertTrue(straight.keySet().stream().anyMatch(k -> k.contains("running_")) || straight.size() > 8,
                "BN statistics are part of the state: " + straight.keySet());
        // Bit for bit on every backend: the CPU kernels' reductions do not depend on scheduling (docs/architecture.md).
        for (String k : straight.keySet()) {
            assertArrayEquals(straight.get(k).toArray(), resumed.get(k).toArray(), "tensor " + k);
        }
        return straight;
    }

    /**
     * Two runs with the same seed give the same weights, BN statistics and momentum bit for bit, also with another
     * kernel thread count (1, 2, 3). The network is chosen so that the CPU backend splits its reductions: an
     * implicit-GEMM and a depthwise convolution (weight gradients summed over the batch) and batch norms over
     * 32 x 8 x 8 x 32 values (statistics in several chunks). Before the fixed-chunk reductions the 1-thread run
     * differed from the 2-thread run in the last bits.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.simdnn.nn.TestBackends#all")
    void sameSeedSameBitsForAnyThreadCount(Backend backend) throws Throwable {
        TrainTestSupport.withBackendOps(() -> {
            int saved = Parallel.threads();
            try {
                Parallel.setThreads(2);
                Map<String, Tensor> first = oneEpoch(backend, dir);
                for (int threads : new int[] {2, 1, 3}) {
                    Parallel.setThreads(threads);
                    Map<String, Tensor> again = oneEpoch(backend, dir);
                    assertEquals(first.keySet(), again.keySet());
                    for (String k : first.keySet()) {
                        assertArrayEquals(first.get(k).toArray(), again.get(k).toArray(), threads + " threads: tensor " + k);
                    }
                }
            } finally {
                Parallel.setThreads(saved);
            }
        });
    }

    private static Map<String, Tensor> oneEpoch(Backend backend, Path dir) throws Exception {
        TrainConfig c = recipe().withBatchSize(32);
        try (BatchLoader l = loader(c)) {
            Sequential m = new Sequential(
                    new Conv2d(1, 8, 3, 1, 1), new BatchNorm2d(8).withRelu(),
                    new Conv2d(8, 32, 3, 1, 1), new BatchNorm2d(32).withRelu(),
                    Conv2d.builder(32, 32).kernel(3).pad(1).groups(32).bias(false).build(), new BatchNorm2d(32).withRelu(),
                    new MaxPool2d(2), new Flatten(), new Dropout(0.25f, 6), new Linear(4 * 4 * 32, 10));
            m.skipInputGradient();
            SgdTrainer t = new SgdTrainer(m.initialize(5), c, l.batchesPerEpoch(), backend);
            t.trainEpoch(l, ProgressListener.NONE);
            return TrainTestSupport.checkpointTensors(t, dir.resolve("one-epoch.ckpt.safetensors"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.simdnn.nn.TestBackends#all")
    void trainingLearnsTheBars(Backend backend) throws Throwable {
        TrainTestSupport.withBackendOps(() -> {
            TrainConfig c = recipe().withEpochs(4).withAugmentation(Augmentation.NONE);
            try (BatchLoader l = new BatchLoader(TrainTestSupport.bars(480, 8, 9), 16, true, 1, Augmentation.NONE,
                    Normalization.UNIT, true);
                 BatchLoader test = new BatchLoader(TrainTestSupport.bars(200, 8, 77), 50, false, 0, Augmentation.NONE,
                         Normalization.UNIT, false)) {
                SgdTrainer t = new SgdTrainer(smallCnn(1), c, l.batchesPerEpoch(), backend);
                double before = Trainer.accuracy(t.model(), test);
                EpochStats last = null;
                EpochStats unevaluated = t.epoch(l, null, ProgressListener.NONE); // no test set: trained, not evaluated
                assertTrue(Double.isNaN(unevaluated.testAccuracy()) && unevaluated.epoch() == 0 && t.epochsDone() == 1,
                        unevaluated.toString());
                for (int e = 1; e < 4; e++) last = t.epoch(l, test, ProgressListener.NONE);
                assertTrue(last.testAccuracy() > 0.8 && last.testAccuracy() > before + 0.3,
                        "accuracy " + before + " -> " + last.testAccuracy());
                assertTrue(Double.isFinite(last.trainLoss()) && last.seconds() > 0);
            }
        });
    }
}

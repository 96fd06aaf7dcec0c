package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.io.SafeTensors;
import org.simdnn.tensor.Tensor;

class PerceptronTrainerTest {
    @TempDir Path dir;

    private static final Dataset TRAIN = TrainTestSupport.bars(500, 8, 4), TEST = TrainTestSupport.bars(200, 8, 5);

    private static BatchLoader loader(Dataset d, boolean shuffle) {
        return new BatchLoader(d, 32, shuffle, 9, Augmentation.NONE, Normalization.UNIT, false);
    }

    @Test
    void learnsSeparableBarsInOneEpoch() throws Throwable {
        TrainTestSupport.withBackendOps(() -> {
            PerceptronTrainer t = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
            try (BatchLoader l = loader(TRAIN, true); BatchLoader test = loader(TEST, false)) {
                double mistakes = t.trainEpoch(l, ProgressListener.NONE);
                assertTrue(mistakes < 0.3, "training mistakes " + mistakes);
                double acc = Trainer.accuracy(t.model(), test);
                assertTrue(acc > 0.95, "test accuracy " + acc);
            }
        });
    }

    @Test
    void resumeEqualsStraightRun() throws Exception {
        PerceptronTrainer a = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
        try (BatchLoader l = loader(TRAIN, true)) {
            a.trainEpoch(l, ProgressListener.NONE);
            a.trainEpoch(l, ProgressListener.NONE);
        }
        PerceptronTrainer b = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
        Path ckpt = dir.resolve("p.ckpt.safetensors");
        try (BatchLoader l = loader(TRAIN, true)) {
            b.trainEpoch(l, ProgressListener.NONE);
            b.saveCheckpoint(ckpt, Map.of());
        }
        PerceptronTrainer c = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
        c.restore(ModelIo.loadCheckpoint(ckpt));
        assertEquals(1, c.epochsDone());
        try (BatchLoader l = loader(TRAIN, true)) {
            c.trainEpoch(l, ProgressListener.NONE);
        }
        Map<String, Tensor> straight = TrainTestSupport.checkpointTensors(a, dir.resolve("a.ckpt.safetensors"));
        Map<String, Tensor> resumed = TrainTestSupport.checkpointTensors(c, dir.resolve("c.ckpt.safetensors"));
        assertEquals(Set.of("weight", "optim.perceptron.w", "optim.perceptron.u"), straight.keySet());
        for (String k : straight.keySet()) assertArrayEquals(straight.get(k).toArray(), resumed.get(k).toArray(), k);
        assertEquals(SafeTensors.read(dir.resolve("a.ckpt.safetensors")).metadata(),
                SafeTensors.read(dir.resolve("c.ckpt.safetensors")).metadata());
    }

    @Test
    void aCheckpointOfAnotherSizeIsRejectedByName() throws Exception {
        PerceptronTrainer small = new PerceptronTrainer(PerceptronTrainer.newModel(16, 10));
        Path ckpt = dir.resolve("small.ckpt.safetensors");
        small.saveCheckpoint(ckpt, Map.of());
        PerceptronTrainer big = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> big.restore(ModelIo.loadCheckpoint(ckpt)));
        assertTrue(e.getMessage().contains("perceptron.w"), e.getMessage());
    }
}

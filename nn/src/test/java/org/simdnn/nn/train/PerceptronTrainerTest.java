package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.data.Normalization;
import org.simdnn.tensor.Tensor;

class PerceptronTrainerTest {
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
    void resumeEqualsStraightRun() {
        PerceptronTrainer a = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
        try (BatchLoader l = loader(TRAIN, true)) {
            a.trainEpoch(l, ProgressListener.NONE);
            a.trainEpoch(l, ProgressListener.NONE);
        }
        PerceptronTrainer b = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
        Map<String, Tensor> saved;
        Map<String, String> meta;
        try (BatchLoader l = loader(TRAIN, true)) {
            b.trainEpoch(l, ProgressListener.NONE);
            saved = b.state();
            meta = b.metadata(9);
        }
        Map<String, Tensor> copy = new java.util.LinkedHashMap<>();
        saved.forEach((k, v) -> copy.put(k, v.copy()));
        PerceptronTrainer c = new PerceptronTrainer(PerceptronTrainer.newModel(64, 10));
        c.restore(copy, meta);
        assertEquals(1, c.epochsDone());
        try (BatchLoader l = loader(TRAIN, true)) {
            c.trainEpoch(l, ProgressListener.NONE);
        }
        for (String k : a.state().keySet()) assertArrayEquals(a.state().get(k).toArray(), c.state().get(k).toArray(), k);
    }
}

package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.tensor.Tensor;

/** Probabilities and top-k against a scalar softmax and a full sort; loaded models predict without side effects. */
class PredictorTest {
    @TempDir Path dir;

    private static Tensor random(SplittableRandom r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * 3);
        return t;
    }

    private static Sequential model() {
        return new Sequential(new Linear(12, 16), new BatchNorm1d(16).withRelu(), new Linear(16, 7)).initialize(3);
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheOutput() {
        SplittableRandom r = new SplittableRandom(1);
        Predictor p = new Predictor(model());
        Tensor x = random(r, 9, 12);
        float[] logits = p.predict(x), probs = p.probabilities(x);
        assertEquals(logits.length, probs.length);
        for (int row = 0; row < 9; row++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < 7; j++) max = Math.max(max, logits[row * 7 + j]);
            for (int j = 0; j < 7; j++) sum += Math.exp(logits[row * 7 + j] - max);
            double total = 0;
            for (int j = 0; j < 7; j++) {
                double want = Math.exp(logits[row * 7 + j] - max) / sum;
                assertEquals(want, probs[row * 7 + j], 1e-6 + 1e-5 * want, "row " + row + " class " + j);
                total += probs[row * 7 + j];
            }
            assertEquals(1.0, total, 1e-5);
        }
    }

    @Test
    void topKIsTheOrderOfAFullSortTiesToTheLowerIndex() {
        SplittableRandom r = new SplittableRandom(2);
        Predictor p = new Predictor(model());
        Tensor x = random(r, 11, 12);
        float[] y = p.predict(x);
        int[] argmax = p.classify(x);
        for (int k = 1; k <= 7; k++) {
            int[][] top = p.topK(x, k);
            for (int row = 0; row < 11; row++) {
                final int o = row * 7;
                Integer[] order = {0, 1, 2, 3, 4, 5, 6};
                java.util.Arrays.sort(order, (a, b) -> y[o + a] != y[o + b] ? Float.compare(y[o + b], y[o + a]) : a - b);
                for (int i = 0; i < k; i++) assertEquals(order[i], top[row][i], "row " + row + " k " + k + " rank " + i);
                assertEquals(argmax[row], top[row][0]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> p.topK(x, 0));
        assertThrows(IllegalArgumentException.class, () -> p.topK(x, 8));
    }

    @Test
    void loadedModelsAreInEvalModeAndOneArgumentForwardLeavesRunningStatisticsAlone() throws IOException {
        Sequential m = model();
        Path file = dir.resolve("m.safetensors");
        ModelIo.save(file, m, Map.of());
        Module loaded = ModelIo.load(file);
        assertFalse(loaded.isTraining(), "ModelIo.load returns a model ready to predict");
        loaded.train(); // even in training mode, forward(x) is inference
        BatchNorm bn = (BatchNorm) ((Sequential) loaded).layer(1);
        float[] mean = bn.runningMean().toArray(), var = bn.runningVar().toArray();
        Tensor x = random(new SplittableRandom(4), 5, 12);
        float[] first = loaded.forward(x).toArray();
        loaded.forward(random(new SplittableRandom(5), 5, 12));
        assertArrayEquals(mean, bn.runningMean().toArray());
        assertArrayEquals(var, bn.runningVar().toArray());
        assertArrayEquals(first, loaded.forward(x).toArray(), "same input, same answer");
    }
}

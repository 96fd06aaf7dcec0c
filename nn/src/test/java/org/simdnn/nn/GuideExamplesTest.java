package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.loss.SoftmaxCrossEntropyLoss;
import org.simdnn.nn.optim.GradClip;
import org.simdnn.nn.optim.LrSchedule;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.tensor.Tensor;

/**
 * The code of docs/nn-guide.md. The regions between {@code // tag::NAME[]} and {@code // end::NAME[]} are quoted
 * verbatim by the guide, and {@link GuideSyncTest} fails if the two drift apart. Runs on the default backend.
 */
class GuideExamplesTest {
    @TempDir Path dir;

    /** Three Gaussian blobs in 8 dims as a stand-in for a data set. */
    static Tensor blobs(int n, int[] labels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(n, 8);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 8; j++) x.set((float) (r.nextGaussian() * 0.5 + (j % 3 == labels[i] ? 2 : 0)), i, j);
        }
        return x;
    }

    @Test
    void convolutionLayers() {
        // tag::conv[]
        Sequential cnn = new Sequential(
                new Conv2d(1, 16, 3, 1, 1), new BatchNorm2d(16).withRelu(),            // 3x3, stride 1, pad 1
                Conv2d.builder(16, 16).kernel(3).stride(2).pad(1).groups(16)           // depthwise, stride 2
                        .bias(false).build(), new BatchNorm2d(16).withRelu(),
                Conv2d.builder(16, 32).kernel(1).build(),                              // pointwise
                new GlobalAvgPool2d(), new Linear(32, 10))
                .initialize(7);
        int[] out = cnn.outputShape(new int[] {4, 28, 28, 1});                     // NHWC in: [4, 10] out
        // end::conv[]
        assertArrayEquals(new int[] {4, 10}, out);
        assertEquals(4 * 10, cnn.forward(Tensor.zeros(4, 28, 28, 1), false).size());
    }

    @Test
    void buildTrainSaveLoadAndPredict() throws Throwable {
        TestBackends.run(() -> {
            int[] labels = new int[600];
            Tensor data = blobs(600, labels, 1);
            Path file = dir.resolve("mlp.safetensors");

            // tag::build[]
            Sequential model = new Sequential(
                    new Linear(8, 32), new BatchNorm1d(32).withRelu(), new Dropout(0.1f),
                    new Linear(32, 3))
                    .initialize(42);                       // seeded: same seed, same weights, bit for bit
            System.out.println(model.summary(new int[] {1, 8}));
            // end::build[]

            // tag::train[]
            int batch = 50, epochs = 5, stepsPerEpoch = data.dim(0) / batch;
            Sgd sgd = new Sgd(model.parameters(), 0.1f)
                    .momentum(0.9f).nesterov(true).weightDecay(5e-4f);   // no decay on biases/BN: per Parameter
            LrSchedule lr = LrSchedule.warmupCosine(0.1, stepsPerEpoch, (long) epochs * stepsPerEpoch, 0.0);
            SoftmaxCrossEntropyLoss loss = new SoftmaxCrossEntropyLoss(0.1f);      // label smoothing 0.1
            Tensor dlogits = Tensor.zeros(batch, 3);
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (int s = 0; s < stepsPerEpoch; s++) {
                    Tensor x = data.slice(0, s * batch, (s + 1) * batch);          // a contiguous view, no copy
                    int[] y = java.util.Arrays.copyOfRange(labels, s * batch, (s + 1) * batch);
                    Tensor logits = model.forward(x, true);                        // training mode
                    float l = loss.compute(logits, y, dlogits);                    // writes dL/dlogits
                    if (!Float.isFinite(l)) throw new IllegalStateException("loss " + l + " at step " + sgd.steps());
                    model.backward(dlogits);                                       // overwrites every p.grad()
                    GradClip.clipByGlobalNorm(model.parameters(), 5.0);
                    sgd.step(lr);                                                  // lr = schedule(step), then update
                }
            }
            // end::train[]

            // tag::save[]
            ModelIo.save(file, model, Map.of("dataset", "blobs"));                // atomic: temp file + rename
            // end::save[]

            // tag::load[]
            Module loaded = ModelIo.load(file);                                    // architecture + weights
            int[] predicted = new InferenceSession(loaded).classify(data);
            // end::load[]
            int correct = 0;
            for (int i = 0; i < labels.length; i++) if (predicted[i] == labels[i]) correct++;
            assertTrue(correct > 0.95 * labels.length, "accuracy " + correct / 600.0);

            // tag::threads[]
            Predictor predictor = new Predictor(loaded);           // one per model; thread-safe
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<int[]>> answers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Tensor request = data.slice(0, t, t + 1);          // batch-1 requests
                answers.add(pool.submit(() -> predictor.classify(request)));
            }
            for (Future<int[]> a : answers) System.out.println("class " + a.get()[0]);
            pool.shutdown();
            // end::threads[]
            for (int t = 0; t < 4; t++) assertArrayEquals(new int[] {predicted[t]}, answers.get(t).get());
        });
    }

    @Test
    void perceptron() throws Throwable {
        int[] labels = new int[300];
        Tensor data = blobs(300, labels, 2);
        // tag::perceptron[]
        MulticlassPerceptron p = new MulticlassPerceptron(Basis.identity(), 8, 3);
        for (int epoch = 0; epoch < 10; epoch++) {
            long mistakes = p.fitEpoch(data, labels, null);    // the classic rule, one sample at a time
            if (mistakes == 0) break;
        }
        int guess = p.predict(data.data(), 0);                 // argmax_c w_c · [x, 1]
        // end::perceptron[]
        assertEquals(labels[0], guess);
    }
}

package org.simdnn.example.embed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.simdnn.nn.BatchNorm1d;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Module;
import org.simdnn.nn.Predictor;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.loss.SoftmaxCrossEntropyLoss;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.tensor.Tensor;

/**
 * An application that uses simdnn as a library, with {@code simdnn-nn} as its only dependency: it loads
 * Fashion-MNIST (or, where the data set is not installed, a small synthetic set of the same shape), trains an MLP
 * for one epoch, saves it, loads it back and classifies the test set from a thread pool. README's "Use as a
 * library" section quotes it; the build runs it on the class path and on the module path, with and without
 * {@code jdk.incubator.vector}.
 *
 * <p>Usage: {@code EmbedExample [data-dir [train-images]]}; prints the test accuracy and exits with status 1 when
 * it is no better than chance.
 */
public final class EmbedExample {
    private EmbedExample() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : DataSplit.FASHION_MNIST_DIR;
        int trainImages = args.length > 1 ? Integer.parseInt(args[1]) : 6000;
        Path file = Files.createTempDirectory("simdnn-example").resolve("mlp.safetensors");
        double accuracy = run(dir, trainImages, file);
        System.out.printf("test accuracy %.3f%n", accuracy);
        if (!(accuracy > 0.5)) System.exit(1);
    }

    /** Trains, saves to {@code file}, loads and classifies; returns the test accuracy. */
    static double run(Path dir, int trainImages, Path file) throws Exception {
        // tag::data[]
        DataSplit data = DataSplit.present(dir) ? DataSplit.load(dir)           // the four IDX files, .gz or not
                : synthetic(28, 28, 10);                                         // stand-in of the same shape
        Dataset train = data.train().subset(0, Math.min(trainImages, data.train().size()));
        Dataset test = data.test().subset(0, Math.min(1000, data.test().size()));
        Normalization norm = Normalization.of(train);                            // mean/std of pixel / 255
        // end::data[]

        // tag::train[]
        Sequential model = new Sequential(
                new Flatten(), new Linear(28 * 28, 128), new BatchNorm1d(128).withRelu(), new Linear(128, 10))
                .initialize(42);
        Sgd sgd = new Sgd(model.parameters(), 0.05f).momentum(0.9f);
        SoftmaxCrossEntropyLoss loss = new SoftmaxCrossEntropyLoss(0f);
        try (BatchLoader batches = new BatchLoader(train, 64, true, 7, Augmentation.NONE, norm, true)) {
            batches.startEpoch(0);
            while (batches.hasNext()) {
                BatchLoader.Batch b = batches.next();                            // [n, 28, 28, 1] NHWC, normalised
                Tensor logits = model.forward(b.images(), true);
                Tensor dlogits = Tensor.zeros(b.size(), 10);
                loss.compute(logits, b.labels(), dlogits);
                model.backward(dlogits);
                sgd.step();
            }
        }
        // end::train[]

        // tag::save[]
        ModelIo.save(file, model, Map.of("dataset", train.name()));             // safetensors, atomic
        Module loaded = ModelIo.load(file);                                      // architecture + weights
        Predictor predictor = new Predictor(loaded);                             // thread-safe, one per model
        // end::save[]

        // tag::predict[]
        Tensor images = test.toTensor(norm);                                     // [n, 28, 28, 1]
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<int[]>> answers = new ArrayList<>();
        for (int from = 0; from < test.size(); from += 100) {
            Tensor request = images.slice(0, from, Math.min(test.size(), from + 100));
            answers.add(pool.submit(() -> predictor.classify(request)));          // argmax per row
        }
        int correct = 0, i = 0;
        for (Future<int[]> a : answers) for (int c : a.get()) if (c == test.label(i++)) correct++;
        pool.shutdown();
        // end::predict[]
        return (double) correct / test.size();
    }

    /** Ten classes of 28x28 images, each a bright bar at a class-specific position plus noise. */
    static DataSplit synthetic(int h, int w, int classes) {
        return new DataSplit(syntheticSet("synthetic-train", 6000, h, w, classes, 1),
                syntheticSet("synthetic-test", 1000, h, w, classes, 2));
    }

    private static Dataset syntheticSet(String name, int n, int h, int w, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] pixels = new byte[n * h * w];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(classes);
            int row = 2 + labels[i] * (h - 4) / classes;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = r.nextInt(60) + (Math.abs(y - row) <= 1 ? 160 : 0);
                    pixels[(i * h + y) * w + x] = (byte) Math.min(255, v);
                }
            }
        }
        return new Dataset(name, pixels, labels, h, w, 1, classes);
    }
}

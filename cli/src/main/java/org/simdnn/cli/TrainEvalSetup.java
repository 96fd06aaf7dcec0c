package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.io.ModelIo;
import picocli.CommandLine.Option;

/**
 * What {@code train} and {@code eval} share (a picocli mixin): the {@code --data}, {@code --threads} and
 * {@code --test-limit} options, loading the data, the input normalisation a model file records, the test
 * loader, and loading a model file through {@link ModelIo}.
 */
final class TrainEvalSetup {
    /** Metadata keys of the input normalisation a model was trained with. */
    static final String INPUT_MEAN = "input_mean", INPUT_STD = "input_std";

    @Option(names = "--data", description = "directory with the four IDX files, gzip or raw (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--threads", description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--test-limit", description = "evaluate on the first N test images only")
    Integer testLimit;

    /** The data directory, the training set limited to {@code trainLimit} images, the test set to --test-limit. */
    record Data(Path dir, Dataset train, Dataset test) {}

    /** Sets the kernel thread count from --threads; an IllegalArgumentException names a bad count. */
    void applyThreads() {
        if (threads != null) Parallel.setThreads(threads);
    }

    /** Finds (installing if needed) and reads the data; null after printing why there is none. */
    Data loadData(Integer trainLimit) throws IOException {
        Path dir = DataLocator.resolve(data);
        if (dir == null) return null;
        DataSplit split = DataSplit.load(dir);
        return new Data(dir, limit(split.train(), trainLimit), limit(split.test(), testLimit));
    }

    private static Dataset limit(Dataset d, Integer n) {
        return n == null ? d : d.subset(0, Math.min(n, d.size()));
    }

    /** The command line's input normalisation for {@code model}: pixel / 255 for the perceptron, else Fashion-MNIST's. */
    static Normalization normalization(String model) {
        return model.equals("perceptron") ? Normalization.UNIT : Normalization.FASHION_MNIST;
    }

    /** The normalisation a model file records (files written before it did: by their model name). */
    static Normalization normalization(Map<String, String> metadata) {
        String mean = metadata.get(INPUT_MEAN), std = metadata.get(INPUT_STD);
        if (mean == null || std == null) return normalization(metadata.getOrDefault("model", ""));
        return new Normalization(Float.parseFloat(mean), Float.parseFloat(std));
    }

    /** Records {@code n} in {@code metadata}. */
    static void putNormalization(Map<String, String> metadata, Normalization n) {
        metadata.put(INPUT_MEAN, Float.toString(n.mean()));
        metadata.put(INPUT_STD, Float.toString(n.std()));
    }

    /** The test set in file order, normalised, in batches of {@code batch}. */
    static BatchLoader testLoader(Dataset test, int batch, Normalization n) {
        return new BatchLoader(test, batch, false, 0, Augmentation.NONE, n, true);
    }

    /** A model file or checkpoint read through {@link ModelIo}; null after printing why it cannot be read. */
    static ModelIo.Checkpoint loadModel(String command, Path file) {
        try {
            return ModelIo.loadCheckpoint(file);
        } catch (NoSuchFileException e) {
            System.err.println("simdnn " + command + ": " + file + ": no such file");
        } catch (IOException | IllegalArgumentException e) { // the message names the file and what is wrong
            System.err.println("simdnn " + command + ": " + e.getMessage());
        }
        return null;
    }

    static String describe(Normalization n) {
        return String.format(Locale.ROOT, "(pixel/255 - %.4f) / %.4f", n.mean(), n.std());
    }
}

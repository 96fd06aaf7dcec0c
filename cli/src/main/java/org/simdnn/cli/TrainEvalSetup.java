package org.simdnn.cli;

import java.io.IOException;
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
 * {@code --test-limit} options, loading the data, the input normalisation a model file records ({@link ModelIo}
 * metadata) and the test loader.
 */
final class TrainEvalSetup {
    /** Metadata keys of the input normalisation a model was trained with. */
    static final String INPUT_MEAN = "input_mean", INPUT_STD = "input_std";

    @Option(names = "--data", description = "directory with the four IDX files, gzip or raw (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--threads", converter = OptionValues.Threads.class, description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--test-limit", converter = OptionValues.Positive.class, description = "evaluate on the first N test images only")
    Integer testLimit;

    /** The data directory, the training set limited to {@code trainLimit} images, the test set to --test-limit. */
    record Data(Path dir, Dataset train, Dataset test) {}

    /** Sets the kernel thread count from --threads; an IllegalArgumentException names a bad count. */
    void applyThreads() {
        if (threads != null) Parallel.setThreads(threads);
    }

    /** Finds (installing if needed) and reads the data; an IOException says why there is none. */
    Data loadData(Integer trainLimit) throws IOException {
        Path dir = DataLocator.resolve(data);
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
        return new Normalization(number(INPUT_MEAN, mean), number(INPUT_STD, std));
    }

    private static float number(String key, String value) {
        try {
            return Float.parseFloat(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' = '" + value + "' is not a number", e);
        }
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

    static String describe(Normalization n) {
        return String.format(Locale.ROOT, "(pixel/255 - %.4f) / %.4f", n.mean(), n.std());
    }
}

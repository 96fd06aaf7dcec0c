package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.train.ModelFiles;
import org.simdnn.nn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simdnn eval}: test-set accuracy of a model file written by {@code simdnn train}. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model file from `simdnn train` on the test set.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model-file", required = true, description = "model (or checkpoint) file from simdnn train")
    Path modelFile;

    @Option(names = "--data", description = "directory with the four IDX files (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--threads", description = "kernel threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (threads != null) Parallel.setThreads(threads);
        ModelFiles.Loaded m = ModelFiles.load(modelFile);
        Path dir = DataLocator.resolve(data);
        if (dir == null) return 1;
        DataSplit split = DataSplit.load(dir);
        Normalization norm = m.name().equals("perceptron") ? Normalization.UNIT : Normalization.FASHION_MNIST;
        long t0 = System.nanoTime();
        double acc;
        try (BatchLoader test = new BatchLoader(split.test(), 500, false, 0, Augmentation.NONE, norm, true)) {
            acc = Trainer.accuracy(m.model(), test);
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s (%s, trained %s epochs) on %s: %d test images%n", modelFile, m.name(),
                m.metadata().getOrDefault("epochs_done", "?"), dir, split.test().size());
        System.out.printf(Locale.ROOT, "test accuracy: %.4f  seconds: %.2f  images/s: %d%n", acc, sec,
                Math.round(split.test().size() / sec));
        return 0;
    }
}

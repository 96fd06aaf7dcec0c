package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.simdnn.diagnostics.DiagnosticModels;
import org.simdnn.diagnostics.LabeledBatch;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.Module;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Models;
import picocli.CommandLine.Option;

/**
 * The model and data options of the diagnostics commands: a built-in model kind, freshly initialised, or a model
 * file from {@code simdnn train}; batches of Fashion-MNIST training images, normalised as the model was trained.
 */
final class ModelSource {
    @Option(names = "--model", description = "cnn, mlp or perceptron, freshly initialised (default: mlp)")
    String model;

    @Option(names = "--model-file", description = "a model file from simdnn train (instead of --model)")
    Path modelFile;

    @Option(names = "--data", description = "directory with the four IDX files (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the initialisation and the batches (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", converter = OptionValues.Threads.class, description = "kernel threads (default: all cores)")
    Integer threads;

    /** The model to diagnose: {@code fresh} when built here, {@code kind} cnn, mlp, perceptron or file. */
    record Loaded(Sequential model, String description, String kind, boolean fresh, Normalization norm) {}

    /** The chosen model; an unreadable file is an IOException, bad options an IllegalArgumentException. */
    Loaded load() throws IOException {
        if (threads != null) Parallel.setThreads(threads);
        if (modelFile != null) {
            if (model != null) throw new IllegalArgumentException("give --model or --model-file, not both");
            ModelIo.Checkpoint c = ModelIo.loadCheckpoint(modelFile);
            Module m = c.model();
            return new Loaded(DiagnosticModels.differentiable(m), modelFile + " (" + m.name() + ")", "file", false,
                    TrainEvalSetup.normalization(c.metadata()));
        }
        String kind = model != null ? model : "mlp";
        if (!Models.NAMES.contains(kind)) {
            throw new IllegalArgumentException("unknown model '" + kind + "'; expected one of " + Models.NAMES);
        }
        return new Loaded(DiagnosticModels.builtIn(kind, seed), kind + " (fresh, seed " + seed + ")", kind, true,
                TrainEvalSetup.normalization(kind));
    }

    /** {@code count} shuffled training batches of {@code size} images (copies: the loader reuses its buffers). */
    List<LabeledBatch> batches(Normalization norm, int size, int count) throws IOException {
        Path dir = DataLocator.resolve(data);
        DataSplit split = DataSplit.load(dir);
        List<LabeledBatch> out = new ArrayList<>();
        try (BatchLoader loader = new BatchLoader(split.train(), size, true, seed, Augmentation.NONE, norm, false)) {
            loader.startEpoch(0);
            while (loader.hasNext() && out.size() < count) {
                BatchLoader.Batch b = loader.next();
                out.add(new LabeledBatch(b.images().slice(0, 0, b.size()).copy(), java.util.Arrays.copyOf(b.labels(), b.size())));
            }
        }
        return out;
    }
}

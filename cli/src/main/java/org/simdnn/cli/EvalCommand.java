package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code simdnn eval}: test-set accuracy of a model file (or checkpoint) read through {@link ModelIo}. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model file from `simdnn train` on the test set.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model-file", required = true, description = "model (or checkpoint) file from simdnn train")
    Path modelFile;

    @Mixin
    TrainEvalSetup setup;

    @Override
    public Integer call() throws IOException {
        setup.applyThreads();
        ModelIo.Checkpoint m = ModelIo.loadCheckpoint(modelFile);
        Normalization norm = TrainEvalSetup.normalization(m.metadata());
        TrainEvalSetup.Data data = setup.loadData(null);
        long t0 = System.nanoTime();
        double acc;
        try (BatchLoader test = TrainEvalSetup.testLoader(data.test(), 500, norm)) {
            acc = Trainer.accuracy(m.model(), test);
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s (%s, trained %s epochs, input %s) on %s: %d test images%n", modelFile,
                m.metadata().getOrDefault("model", m.model().name()), m.metadata().getOrDefault(Trainer.EPOCHS_DONE, "?"),
                TrainEvalSetup.describe(norm), data.dir(), data.test().size());
        System.out.printf(Locale.ROOT, "test accuracy: %.4f  seconds: %.2f  images/s: %d%n", acc, sec,
                Math.round(data.test().size() / sec));
        return 0;
    }
}

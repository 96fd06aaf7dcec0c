package org.simdnn.nn.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.nn.Module;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.tensor.Tensor;

/**
 * Trains a classifier epoch by epoch and saves or restores its whole state through {@link ModelIo}: a model file
 * that {@link ModelIo#load} opens, and a checkpoint from which {@link #restore} continues exactly as if the run
 * had not stopped (the loaders' order and augmentation derive from (seed, epoch) alone). {@link SgdTrainer} trains
 * networks by minibatch SGD, {@link PerceptronTrainer} the multiclass perceptron by its mistake-driven rule.
 */
public interface Trainer {
    /** Metadata key of the epochs done, written into model files and checkpoints. */
    String EPOCHS_DONE = "epochs_done";

    Module model();

    int epochsDone();

    /** One pass over the loader's epoch {@link #epochsDone()}; returns the epoch's {@link #metric()}. */
    double trainEpoch(BatchLoader train, ProgressListener progress);

    /** What {@link #trainEpoch} returns: "loss" (mean training loss) or "mistakes" (fraction misclassified). */
    String metric();

    /** Writes the model and everything needed to continue training, atomically. */
    void saveCheckpoint(Path file, Map<String, String> metadata) throws IOException;

    /** Continues from {@code checkpoint} ({@link ModelIo#loadCheckpoint} of a file from {@link #saveCheckpoint}). */
    void restore(ModelIo.Checkpoint checkpoint);

    /** Writes the model alone (with the epochs done), atomically. */
    default void saveModel(Path file, Map<String, String> metadata) throws IOException {
        ModelIo.save(file, model(), withPosition(metadata));
    }

    /**
     * Trains one epoch (the next one) and evaluates on {@code test}, or not when {@code test} is null (the test
     * accuracy is then NaN); the time covers the training pass only.
     */
    default EpochStats epoch(BatchLoader train, BatchLoader test, ProgressListener progress) {
        int e = epochsDone();
        long t0 = System.nanoTime();
        double metric = trainEpoch(train, progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new EpochStats(e, metric, test == null ? Double.NaN : evaluate(test), seconds, train.dataset().size() / seconds);
    }

    /**
     * Test accuracy as this trainer's recipe evaluates: the default takes the model as it is on the images as they
     * are; {@link SgdTrainer} may evaluate an average of the weights and average over mirror images.
     */
    default double evaluate(BatchLoader test) {
        return accuracy(model(), test);
    }

    /** {@code metadata} plus {@link #EPOCHS_DONE}. */
    default Map<String, String> withPosition(Map<String, String> metadata) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(EPOCHS_DONE, Integer.toString(epochsDone()));
        return m;
    }

    /** The epochs done that {@code checkpoint} records (0 when absent). */
    static int epochsDoneIn(ModelIo.Checkpoint checkpoint) {
        String s = checkpoint.metadata().getOrDefault(EPOCHS_DONE, "0");
        try {
            int e = Integer.parseInt(s);
            if (e >= 0) return e;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("checkpoint metadata '" + EPOCHS_DONE + "' is '" + s + "', not an epoch count");
    }

    /** Accuracy of any classifier (logits or scores [n, classes]) over an unshuffled loader, in eval mode. */
    static double accuracy(Module model, BatchLoader test) {
        return accuracies(model, test, null)[0];
    }

    /**
     * Accuracy over an unshuffled loader, in eval mode: {@code {plain}} without {@code flip}, else
     * {@code {plain, flip-averaged}} from one pass ({@link FlipAveraging}).
     */
    static double[] accuracies(Module model, BatchLoader test, FlipAveraging flip) {
        boolean wasTraining = model.isTraining();
        model.eval();
        test.startEpoch(0);
        long correct = 0, correctFlip = 0, n = 0;
        while (test.hasNext()) {
            BatchLoader.Batch b = test.next();
            if (flip == null) {
                correct += hits(model.forward(Models.input(model, b.images()), false), b);
            } else {
                correctFlip += hits(flip.logits(model, b.images()), b);
                correct += hits(flip.plainLogits(), b);
            }
            n += b.size();
        }
        if (wasTraining) model.train();
        double plain = (double) correct / Math.max(1, n);
        return flip == null ? new double[] {plain} : new double[] {plain, (double) correctFlip / Math.max(1, n)};
    }

    /** Rows of {@code logits} [n, classes] whose argmax is the batch's label. */
    private static long hits(Tensor logits, BatchLoader.Batch b) {
        logits = logits.contiguous();
        int classes = logits.dim(1);
        float[] d = logits.data();
        long correct = 0;
        for (int i = 0; i < b.size(); i++) {
            int o = logits.offset() + i * classes, best = 0;
            for (int k = 1; k < classes; k++) if (d[o + k] > d[o + best]) best = k;
            if (best == b.labels()[i]) correct++;
        }
        return correct;
    }
}

package org.simdnn.nn.train;

import java.io.Serializable;
import java.util.List;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.optim.LrSchedule;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.ops.Backend;

/**
 * A training recipe. {@link #forModel} gives the command line's defaults: SGD with Nesterov momentum 0.9, weight
 * decay 5e-4, batch 128; the CNN at lr 0.15 with one warm-up epoch then cosine and label smoothing 0.1, with weight
 * decay on every parameter ({@code decayAll}: biases and batch-norm gamma/beta too, as PyTorch's
 * {@code SGD(model.parameters(), weight_decay=5e-4)}); the MLP (decay on weights only) at lr 0.05 with cosine
 * decay and no warm-up. docs/training.md gives the measurements behind each choice.
 */
public record TrainConfig(String model, int epochs, int batchSize, float lr, float momentum, boolean nesterov,
                          float weightDecay, boolean decayAll, float labelSmoothing, int warmupEpochs, boolean cosine, long seed,
                          Augmentation augmentation, boolean linearDecay, float emaDecay, boolean flipAverage)
        implements Serializable {
    /**
     * A recipe without the time-to-accuracy levers: decay after the warm-up is cosine (or constant), the trained
     * weights themselves are evaluated (no EMA) on the test images as they are (no flip averaging).
     */
    public TrainConfig(String model, int epochs, int batchSize, float lr, float momentum, boolean nesterov,
                       float weightDecay, boolean decayAll, float labelSmoothing, int warmupEpochs, boolean cosine, long seed,
                       Augmentation augmentation) {
        this(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine,
                seed, augmentation, false, 0f, false);
    }

    public TrainConfig {
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
        if (linearDecay && !cosine) throw new IllegalArgumentException("linear decay needs a decaying schedule, not constant");
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be >= 1, got " + epochs + ", " + batchSize);
        }
        if (!(lr > 0) || !Float.isFinite(lr) || !(momentum >= 0) || !(weightDecay >= 0)
                || !(labelSmoothing >= 0 && labelSmoothing < 1) || warmupEpochs < 0) {
            throw new IllegalArgumentException("bad recipe: lr " + lr + ", momentum " + momentum + ", weight decay "
                    + weightDecay + ", label smoothing " + labelSmoothing + ", warm-up epochs " + warmupEpochs);
        }
        if (nesterov && momentum <= 0) throw new IllegalArgumentException("Nesterov needs momentum > 0");
    }

    /** The defaults for {@code cnn}, {@code mlp} or {@code perceptron}. */
    public static TrainConfig forModel(String model, int epochs, long seed) {
        return switch (model) {
            case "cnn" -> new TrainConfig(model, epochs, 128, 0.15f, 0.9f, true, 5e-4f, true, 0.1f, 1, true, seed, Augmentation.NONE);
            case "mlp" -> new TrainConfig(model, epochs, 128, 0.05f, 0.9f, true, 5e-4f, false, 0f, 0, true, seed, Augmentation.NONE);
            case "perceptron" -> new TrainConfig(model, epochs, 128, 1f, 0f, false, 0f, false, 0f, 0, false, seed, Augmentation.NONE);
            default -> throw new IllegalArgumentException(Models.unknown(model));
        };
    }

    public TrainConfig withEpochs(int e) { return new TrainConfig(model, e, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, seed, augmentation, linearDecay, emaDecay, flipAverage); }
    public TrainConfig withBatchSize(int b) { return new TrainConfig(model, epochs, b, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, seed, augmentation, linearDecay, emaDecay, flipAverage); }
    public TrainConfig withLr(float l) { return new TrainConfig(model, epochs, batchSize, l, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, seed, augmentation, linearDecay, emaDecay, flipAverage); }
    public TrainConfig withMomentum(float m) { return new TrainConfig(model, epochs, batchSize, lr, m, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, seed, augmentation, linearDecay, emaDecay, flipAverage); }
    public TrainConfig withSeed(long s) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, s, augmentation, linearDecay, emaDecay, flipAverage); }
    public TrainConfig withAugmentation(Augmentation a) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, seed, a, linearDecay, emaDecay, flipAverage); }
    /** Cosine (or constant with {@code cos} false) after {@code warmup} epochs; linear decay is switched off. */
    public TrainConfig withSchedule(boolean cos, int warmup) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmup, cos, seed, augmentation, false, emaDecay, flipAverage); }
    /** Linear decay to 0 after {@code warmup} epochs. */
    public TrainConfig withLinearSchedule(int warmup) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmup, true, seed, augmentation, true, emaDecay, flipAverage); }
    public TrainConfig withLabelSmoothing(float s) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, s, warmupEpochs, cosine, seed, augmentation, linearDecay, emaDecay, flipAverage); }
    public TrainConfig withWeightDecay(float wd, boolean all) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, wd, all, labelSmoothing, warmupEpochs, cosine, seed, augmentation, linearDecay, emaDecay, flipAverage); }
    /** Evaluate (and save) an exponential moving average of the weights with this decay; 0 switches it off. */
    public TrainConfig withEma(float decay) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, seed, augmentation, linearDecay, decay, flipAverage); }
    /** Evaluate with {@link FlipAveraging} (the mean of the logits on the images and their mirror images). */
    public TrainConfig withFlipAverage(boolean on) { return new TrainConfig(model, epochs, batchSize, lr, momentum, nesterov, weightDecay, decayAll, labelSmoothing, warmupEpochs, cosine, seed, augmentation, linearDecay, emaDecay, on); }

    /** The recipe's optimizer over {@code params}: SGD with its momentum, Nesterov flag and weight decay. */
    public Sgd sgd(List<Parameter> params, Backend backend) {
        return new Sgd(params, lr, backend).momentum(momentum).nesterov(nesterov).weightDecay(weightDecay)
                .decayAllParameters(decayAll);
    }

    /**
     * Linear warm-up over {@code warmupEpochs} then cosine (or with {@code linearDecay} a straight line) to 0, or
     * constant; a run of at most {@code warmupEpochs} epochs warms up over its first fifth. Over
     * {@code stepsPerEpoch * epochs} steps. */
    public LrSchedule schedule(int stepsPerEpoch) {
        if (!cosine) return LrSchedule.constant(lr);
        long total = (long) epochs * stepsPerEpoch;
        // A run no longer than its warm-up would never decay: it warms up over its first fifth instead.
        long warm = warmupEpochs < epochs ? (long) warmupEpochs * stepsPerEpoch : total / 5;
        return linearDecay ? LrSchedule.warmupLinear(lr, warm, total, 0) : LrSchedule.warmupCosine(lr, warm, total, 0);
    }
}

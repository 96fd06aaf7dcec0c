package org.simdnn.cli;

import java.util.Locale;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.train.TrainConfig;

/**
 * Named recipes of {@code simdnn train --preset}. {@code fast} is the time-to-94 % recipe: the reference CNN
 * trained for fewer epochs with a recipe chosen for accuracy per epoch (docs/training.md "Time to 94 %" has the
 * measurement behind every value). Options given on the command line override a preset's values.
 */
record TrainPreset(String name, String model, int epochs, int batchSize, float lr, int warmupEpochs, boolean linearDecay,
                   float labelSmoothing, float weightDecay, boolean decayAll, float emaDecay, boolean flipAverage,
                   float dropoutFlatten, float dropoutHidden, int channelsFirst, int channelsSecond, int evalEvery) {
    static final TrainPreset FAST = new TrainPreset("fast", "cnn", 6, 128, 0.2f, 1, true, 0.15f, 5e-4f, true, 0.998f, false,
            0f, 0f, 16, 64, 6);

    /** {@link #FAST}'s {@link #summary()} as a constant for the help text (TrainPresetTest keeps them equal). */
    static final String FAST_SUMMARY = "cnn with 16/64 channels, 6 epochs, batch 128, SGD Nesterov 0.9, lr 0.2 with 1 "
            + "warm-up epoch then linear to 0, label smoothing 0.15, weight decay 5.0E-4 on all parameters, dropout 0.0/0.0, "
            + "EMA 0.998, test set evaluated after the last epoch";

    /** The preset named {@code name}; null for null. */
    static TrainPreset parse(String name) {
        if (name == null) return null;
        if (name.equals(FAST.name)) return FAST;
        throw new IllegalArgumentException("unknown --preset '" + name + "'; expected fast");
    }

    /** The preset as a training recipe with {@code seed}. */
    TrainConfig config(long seed) {
        return new TrainConfig(model, epochs, batchSize, lr, 0.9f, true, weightDecay, decayAll, labelSmoothing, warmupEpochs,
                true, seed, Augmentation.NONE, linearDecay, emaDecay, flipAverage);
    }

    float[] dropout() { return new float[] {dropoutFlatten, dropoutHidden}; }

    int[] channels() { return new int[] {channelsFirst, channelsSecond}; }

    String summary() {
        return String.format(Locale.ROOT, "%s with %d/%d channels, %d epochs, batch %d, SGD Nesterov 0.9, lr %s with %d warm-up "
                        + "epoch%s then %s to 0, label smoothing %s, weight decay %s%s, dropout %s/%s%s%s, %s",
                model, channelsFirst, channelsSecond, epochs, batchSize, lr, warmupEpochs, warmupEpochs == 1 ? "" : "s",
                linearDecay ? "linear" : "cosine", labelSmoothing, weightDecay, decayAll ? " on all parameters" : " on weights",
                dropoutFlatten, dropoutHidden, emaDecay > 0 ? ", EMA " + emaDecay : "", flipAverage ? ", flip-averaged evaluation" : "",
                evalEvery >= epochs ? "test set evaluated after the last epoch" : "test set evaluated every " + evalEvery + " epochs");
    }
}

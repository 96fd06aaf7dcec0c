package org.simdnn.nn.train;

/**
 * One epoch's numbers. {@code seconds} and {@code imagesPerSecond} cover the training pass only (not the
 * evaluation), so they compare with other frameworks' epoch times; {@code testAccuracy} is NaN for an epoch after
 * which the test set was not evaluated.
 */
public record EpochStats(int epoch, double trainLoss, double testAccuracy, double seconds, double imagesPerSecond) {
    /** These numbers with another test accuracy (an evaluation made after the epoch's own). */
    public EpochStats withTestAccuracy(double accuracy) {
        return new EpochStats(epoch, trainLoss, accuracy, seconds, imagesPerSecond);
    }

    /** The per-epoch summary line. */
    public String line(int epochs) { return line(epochs, "loss"); }

    /** The per-epoch summary line, naming the training metric ({@link Trainer#metric()}). */
    public String line(int epochs, String metric) {
        String test = Double.isNaN(testAccuracy) ? "test not evaluated"
                : String.format(java.util.Locale.ROOT, "test accuracy %.4f", testAccuracy);
        return String.format(java.util.Locale.ROOT, "epoch %d/%d  train %s %.4f  %s  %.1f s  %.0f images/s",
                epoch + 1, epochs, metric, trainLoss, test, seconds, imagesPerSecond);
    }
}

package org.simdnn.nn.train;

/**
 * One epoch's numbers. {@code seconds} and {@code imagesPerSecond} cover the training pass only (not the
 * evaluation), so they compare with other frameworks' epoch times.
 */
public record EpochStats(int epoch, double trainLoss, double testAccuracy, double seconds, double imagesPerSecond) {
    /** The per-epoch summary line. */
    public String line(int epochs) { return line(epochs, "loss"); }

    /** The per-epoch summary line, naming the training metric ({@link Trainer#metric()}). */
    public String line(int epochs, String metric) {
        return String.format(java.util.Locale.ROOT, "epoch %d/%d  train %s %.4f  test accuracy %.4f  %.1f s  %.0f images/s",
                epoch + 1, epochs, metric, trainLoss, testAccuracy, seconds, imagesPerSecond);
    }
}

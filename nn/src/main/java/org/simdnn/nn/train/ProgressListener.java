package org.simdnn.nn.train;

/** Hooks for a progress display; called on the training thread, so keep them cheap. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    /** An epoch (0-based) of {@code batches} batches and {@code images} images begins. */
    default void epochStarted(int epoch, int batches, long images) {}

    /** After each optimizer step: images done so far in this epoch and the mean training loss over them. */
    default void batchDone(int epoch, int batch, long imagesDone, double meanLoss) {}

    /** Training of the epoch is over (evaluation follows). */
    default void epochTrained(int epoch) {}
}

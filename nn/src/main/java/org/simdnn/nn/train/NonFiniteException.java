package org.simdnn.nn.train;

/** Training met a NaN or infinity; the message names the step and the layer where it first appears. */
public final class NonFiniteException extends RuntimeException {
    private final long step;

    public NonFiniteException(String message, long step) {
        super(message);
        this.step = step;
    }

    /** The optimizer step (0-based, over the whole run) whose loss or gradient was not finite. */
    public long step() { return step; }
}

package org.simdnn.ops;

/**
 * A backend factory found with {@link java.util.ServiceLoader}. {@link #probe()} must be cheap and must not
 * throw: a missing library or device is an {@link Availability#no} with the reason.
 */
public interface BackendProvider {
    String name();

    /** Higher wins when no backend is named; the CPU backend is 0. */
    int priority();

    Availability probe();

    /** Called only when {@link #probe()} said available. */
    Backend create();
}

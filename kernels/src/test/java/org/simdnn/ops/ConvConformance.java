package org.simdnn.ops;

/**
 * Convolution ops (forward, backward data, backward weights) of
 * {@link Backend} against the scalar references: JUnit 5 default test methods, mixed into
 * {@link BackendConformanceTest} so every backend runs them.
 */
public interface ConvConformance {
    Backend backend();
}

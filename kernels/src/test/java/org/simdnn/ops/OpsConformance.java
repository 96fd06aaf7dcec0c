package org.simdnn.ops;

/**
 * Pooling, batch norm, activations, softmax/cross-entropy, dropout, elementwise, reductions, optimizer steps of
 * {@link Backend} against the scalar references: JUnit 5 default test methods, mixed into
 * {@link BackendConformanceTest} so every backend runs them.
 */
public interface OpsConformance {
    Backend backend();
}

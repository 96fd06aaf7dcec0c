package org.simdnn.ffm.blas;

/** Removed once the first layer lands. */
final class Placeholder {
    private Placeholder() {}
}

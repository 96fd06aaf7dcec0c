package org.simdnn.ops;

/**
 * Element counts of op descriptors, computed in long: a shape whose count does not fit an int (array
 * lengths and offsets are ints) is rejected with its values instead of wrapping to a negative size.
 */
final class Sizes {
    private Sizes() {}

    /** The product of non-negative factors, saturating at {@link Long#MAX_VALUE} instead of wrapping. */
    static long product(long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f != 0 && p > Long.MAX_VALUE / f) return Long.MAX_VALUE;
            p *= f;
        }
        return p;
    }

    /** {@code value} as an int, or an exception naming the op, what was counted and the shape it came from. */
    static int requireInt(String op, String what, long value, String context) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + what + " = " + value + " does not fit an int (max "
                    + Integer.MAX_VALUE + "); " + context);
        }
        return (int) value;
    }
}

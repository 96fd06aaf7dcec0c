package org.simdnn.ops;

import java.util.Arrays;
import org.simdnn.tensor.Tensor;

/** Argument checks shared by backends: each names the op and the offending shapes. */
public final class Tensors {
    private Tensors() {}

    public static void requireContiguous(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && !t.isContiguous()) {
                throw new IllegalArgumentException(op + ": tensor " + t.shapeString() + " is a strided view; pass "
                        + "t.contiguous()");
            }
        }
    }

    public static void requireShape(String op, String name, Tensor t, int... shape) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null, expected " + Arrays.toString(shape));
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op + ": " + name + " has shape " + t.shapeString() + ", expected "
                    + Arrays.toString(shape));
        }
        requireContiguous(op, t);
    }

    public static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.shapeString() + " vs " + b.shapeString());
        }
        requireContiguous(op, a, b);
    }

    public static void requireSize(String op, String name, Tensor t, int size) {
        if (t == null || t.size() != size) {
            throw new IllegalArgumentException(op + ": " + name + " must have " + size + " elements, has "
                    + (t == null ? "null" : t.shapeString()));
        }
        requireContiguous(op, t);
    }
}

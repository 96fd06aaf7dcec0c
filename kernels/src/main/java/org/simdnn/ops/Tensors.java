package org.simdnn.ops;

import java.util.Arrays;
import org.simdnn.tensor.Tensor;

/** Argument checks shared by backends: each names the op and the offending shapes. */
public final class Tensors {
    private Tensors() {}

    // The checks run on every op call: they read dims in place (Tensor.shape() copies) and build their message
    // only when they throw, so a passing check allocates nothing.

    public static void requireContiguous(String op, Tensor... ts) {
        for (Tensor t : ts) requireContiguous(op, t);
    }

    public static void requireContiguous(String op, Tensor t) {
        if (t != null && !t.isContiguous()) {
            throw new IllegalArgumentException(op + ": tensor " + t.shapeString() + " is a strided view; pass "
                    + "t.contiguous()");
        }
    }

    public static void requireShape(String op, String name, Tensor t, int... shape) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null, expected " + Arrays.toString(shape));
        boolean same = t.rank() == shape.length;
        for (int d = 0; same && d < shape.length; d++) same = t.dim(d) == shape[d];
        if (!same) {
            throw new IllegalArgumentException(op + ": " + name + " has shape " + t.shapeString() + ", expected "
                    + Arrays.toString(shape));
        }
        requireContiguous(op, t);
    }

    /** As {@link #requireShape} for a rank-4 shape {@code [n, h, w, c]}, without an array for it. */
    public static void requireShape(String op, String name, Tensor t, int n, int h, int w, int c) {
        if (t == null || t.rank() != 4 || t.dim(0) != n || t.dim(1) != h || t.dim(2) != w || t.dim(3) != c) {
            requireShape(op, name, t, new int[] {n, h, w, c}); // throws, naming both shapes
        }
        requireContiguous(op, t);
    }

    public static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.shapeString() + " vs " + b.shapeString());
        }
        requireContiguous(op, a);
        requireContiguous(op, b);
    }

    public static void requireSize(String op, String name, Tensor t, int size) {
        if (t == null || t.size() != size) {
            throw new IllegalArgumentException(op + ": " + name + " must have " + size + " elements, has "
                    + (t == null ? "null" : t.shapeString()));
        }
        requireContiguous(op, t);
    }

    /**
     * Throws if the output shares an element with any of the inputs (null inputs are skipped). An op that
     * writes into its own input reads partly overwritten values, so the answer would be silently wrong.
     * Each contiguous tensor is the range {@code [offset, offset + size)} of its array; null and strided
     * tensors are left to the shape checks, which reject them.
     */
    public static void requireDisjoint(String op, String outName, Tensor out, Object... namesAndInputs) {
        if (out == null || !out.isContiguous()) return;
        for (int i = 0; i < namesAndInputs.length; i += 2) {
            Tensor in = (Tensor) namesAndInputs[i + 1];
            if (in == null || in.data() != out.data() || !in.isContiguous()) continue;
            long outEnd = (long) out.offset() + out.size(), inEnd = (long) in.offset() + in.size();
            if (out.size() == 0 || in.size() == 0 || outEnd <= in.offset() || inEnd <= out.offset()) continue;
            throw new IllegalArgumentException(op + ": output " + outName + " " + out.shapeString() + " at ["
                    + out.offset() + ", " + outEnd + ") overlaps input " + namesAndInputs[i] + " " + in.shapeString()
                    + " at [" + in.offset() + ", " + inEnd + ") of the same float[" + out.data().length
                    + "]; write the output to a separate array or range");
        }
    }
}

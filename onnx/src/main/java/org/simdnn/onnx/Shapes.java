package org.simdnn.onnx;

import java.util.Arrays;

/** Small shape arithmetic shared by the loader and the planner; sizes are checked against 2^31. */
final class Shapes {
    private Shapes() {}

    /** Element count, or an error when a dim is negative or the product exceeds what an array can hold. */
    static int size(int[] shape) {
        long s = 1;
        for (int d : shape) {
            if (d < 0) throw new OnnxException("negative dimension in shape " + Arrays.toString(shape));
            s *= d;
            if (s > Integer.MAX_VALUE - 16) throw new OnnxException("shape " + Arrays.toString(shape) + " exceeds 2^31 elements");
        }
        return (int) s;
    }

    /** Product of dims [from, to). */
    static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    /** Row-major strides. */
    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        for (int i = shape.length - 1, s = 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** A negative axis counted from the end, checked against the rank. */
    static int axis(long axis, int rank, String what) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new OnnxException(what + ": axis " + axis + " out of range for rank " + rank);
        return (int) a;
    }

    /** NumPy broadcasting of two shapes. */
    static int[] broadcast(int[] a, int[] b, String what) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new OnnxException(what + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    static String str(int[] s) { return Arrays.toString(s); }
}

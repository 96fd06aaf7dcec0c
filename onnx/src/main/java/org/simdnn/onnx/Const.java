package org.simdnn.onnx;

import java.util.Arrays;
import org.simdnn.onnx.proto.OnnxProto.TensorProto.DataType;

/**
 * A tensor known at load time: an initializer, a Constant node, or a folded subgraph. Floating types (float,
 * double, float16, bfloat16) are held as {@code float[]} for compute; integer and bool types (shapes,
 * indices, axes) as {@code long[]}. Exactly one of the two arrays is set. Data is in logical (ONNX) order.
 */
record Const(DataType type, int[] shape, float[] floats, long[] longs) {

    Const {
        if ((floats == null) == (longs == null)) throw new IllegalArgumentException("exactly one of floats/longs");
        int n = Shapes.size(shape);
        if ((floats != null ? floats.length : longs.length) != n) {
            throw new IllegalArgumentException("const of shape " + Arrays.toString(shape) + " has "
                    + (floats != null ? floats.length : longs.length) + " elements");
        }
    }

    static Const ofFloats(int[] shape, float[] data) { return new Const(DataType.FLOAT, shape, data, null); }

    static Const ofLongs(int[] shape, long[] data) { return new Const(DataType.INT64, shape, null, data); }

    static Const of(DataType type, int[] shape, float[] floats, long[] longs) {
        return isFloatType(type) ? new Const(type, shape, floats, null) : new Const(type, shape, null, longs);
    }

    static boolean isFloatType(DataType t) {
        return t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.FLOAT16 || t == DataType.BFLOAT16;
    }

    boolean isFloat() { return floats != null; }

    int size() { return floats != null ? floats.length : longs.length; }

    int rank() { return shape.length; }

    /** The values as longs (floats truncated toward zero, as Cast does). */
    long[] asLongs() {
        if (longs != null) return longs;
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) l[i] = (long) floats[i];
        return l;
    }

    /** The values as floats. */
    float[] asFloats() {
        if (floats != null) return floats;
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) f[i] = longs[i];
        return f;
    }

    /** The same data under a new shape (element count unchanged). */
    Const reshaped(int[] newShape) { return new Const(type, newShape, floats, longs); }

    /** Integer values narrowed to int, with a check (shapes, axes, indices). */
    int[] asInts(String what) {
        long[] l = asLongs();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new OnnxException(what + " value " + l[i] + " does not fit in 32 bits");
            }
            r[i] = (int) l[i];
        }
        return r;
    }

    String typeName() { return typeName(type); }

    static String typeName(DataType t) { return t.name().toLowerCase(java.util.Locale.ROOT); }

    @Override
    public String toString() {
        String data = size() <= 8 ? (floats != null ? Arrays.toString(floats) : Arrays.toString(longs)) : "...";
        return typeName() + Arrays.toString(shape) + " " + data;
    }
}

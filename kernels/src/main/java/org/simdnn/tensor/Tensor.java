package org.simdnn.tensor;

import java.util.Arrays;

/**
 * A float32 tensor: a heap {@code float[]} with an offset, a shape, element strides and a {@link Layout}.
 *
 * <p>Views ({@link #reshape}, {@link #slice}, {@link #transpose}) share storage and copy nothing. Kernels
 * take the raw storage ({@link #data()}, {@link #offset()}) and require {@link #isContiguous()} operands;
 * call {@link #contiguous()} first where a view may be strided.
 *
 * <p>Why heap arrays and not {@code MemorySegment}: see docs/storage.md (measured with JMH; C2 vectorises
 * both, arrays need no arena lifetime and FFM passes them to native code without a copy).
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;
    private final Layout layout;

    private Tensor(float[] data, int offset, int[] shape, int[] strides, Layout layout) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.layout = layout;
    }

    /** A new zero-filled, contiguous, row-major tensor. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], 0, shape.clone(), rowMajorStrides(shape), Layout.ROW_MAJOR);
    }

    /** A new zero-filled 4-d image tensor in the given layout; dims are given as (n, h, w, c) for NHWC. */
    public static Tensor zeros(Layout layout, int... shape) {
        checkLayoutRank(layout, shape);
        return new Tensor(new float[checkedSize(shape)], 0, shape.clone(), rowMajorStrides(shape), layout);
    }

    /** Wraps {@code data} (no copy) as a contiguous row-major tensor of the given shape. */
    public static Tensor wrap(float[] data, int... shape) {
        return wrap(data, 0, Layout.ROW_MAJOR, shape);
    }

    /** Wraps {@code data} from {@code offset} (no copy) as a contiguous tensor in {@code layout}. */
    public static Tensor wrap(float[] data, int offset, Layout layout, int... shape) {
        checkLayoutRank(layout, shape);
        long size = checkedSize(shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " at offset " + offset
                    + " needs " + (offset + size) + " floats, array has " + data.length);
        }
        return new Tensor(data, offset, shape.clone(), rowMajorStrides(shape), layout);
    }

    public float[] data() { return data; }
    public int offset() { return offset; }
    public Layout layout() { return layout; }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i]; }
    public int[] shape() { return shape.clone(); }
    public int stride(int i) { return strides[i]; }
    public int[] strides() { return strides.clone(); }

    /** Number of elements. */
    public int size() {
        int s = 1;
        for (int d : shape) s *= d;
        return s;
    }

    /** True when the elements are dense and in row-major order of the shape (what kernels require). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Same layout label, new shape; a view when contiguous, else an error (call {@link #contiguous()}). */
    public Tensor reshape(int... newShape) {
        return reshape(Layout.ROW_MAJOR, newShape);
    }

    /** A view with a new shape and layout label. The element count must match. */
    public Tensor reshape(Layout newLayout, int... newShape) {
        checkLayoutRank(newLayout, newShape);
        if (checkedSize(newShape) != size()) {
            throw new IllegalArgumentException("cannot reshape " + shapeString() + " (" + size() + " elements) to "
                    + Arrays.toString(newShape) + " (" + checkedSize(newShape) + " elements)");
        }
        if (!isContiguous()) {
            throw new IllegalArgumentException("cannot reshape non-contiguous view " + shapeString()
                    + " with strides " + Arrays.toString(strides) + "; call contiguous() first");
        }
        return new Tensor(data, offset, newShape.clone(), rowMajorStrides(newShape), newLayout);
    }

    /** A view of indices [from, to) along {@code dim}. */
    public Tensor slice(int dim, int from, int to) {
        checkDim(dim);
        if (from < 0 || to > shape[dim] || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") out of range for dim " + dim
                    + " of " + shapeString());
        }
        int[] s = shape.clone();
        s[dim] = to - from;
        return new Tensor(data, offset + from * strides[dim], s, strides.clone(), layout);
    }

    /** A view with dims {@code a} and {@code b} swapped (no copy; the result is usually not contiguous). */
    public Tensor transpose(int a, int b) {
        checkDim(a);
        checkDim(b);
        int[] s = shape.clone();
        int[] st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return new Tensor(data, offset, s, st, Layout.ROW_MAJOR);
    }

    /** This tensor if contiguous, else a dense copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A dense copy with the same shape and layout. */
    public Tensor copy() {
        Tensor t = new Tensor(new float[size()], 0, shape.clone(), rowMajorStrides(shape), layout);
        t.copyFrom(this);
        return t;
    }

    /** Copies {@code src} (same shape, any strides) into this tensor. */
    public void copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("copy from " + src.shapeString() + " into " + shapeString());
        }
        if (isContiguous() && src.isContiguous()) {
            System.arraycopy(src.data, src.offset, data, offset, size());
            return;
        }
        int[] idx = new int[shape.length];
        for (int n = size(), i = 0; i < n; i++) {
            data[elementOffset(idx)] = src.data[src.elementOffset(idx)];
            for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
        }
    }

    public float get(int... idx) { return data[elementOffset(idx)]; }

    public void set(float value, int... idx) { data[elementOffset(idx)] = value; }

    /** Fills every element (views included) with {@code value}. */
    public void fill(float value) {
        if (isContiguous()) {
            Arrays.fill(data, offset, offset + size(), value);
        } else {
            int[] idx = new int[shape.length];
            for (int n = size(), i = 0; i < n; i++) {
                data[elementOffset(idx)] = value;
                for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
            }
        }
    }

    /** The elements in row-major order of the shape, as a new array. */
    public float[] toArray() {
        return contiguous() == this ? Arrays.copyOfRange(data, offset, offset + size()) : copy().data;
    }

    /** True when both tensors have the same shape. */
    public boolean sameShape(Tensor o) { return Arrays.equals(shape, o.shape); }

    /** e.g. {@code [128, 28, 28, 32] NHWC}. */
    public String shapeString() {
        return Arrays.toString(shape) + (layout == Layout.ROW_MAJOR ? "" : " " + layout);
    }

    @Override
    public String toString() { return "Tensor" + shapeString(); }

    private int elementOffset(int[] idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException(idx.length + " indices for a rank-" + shape.length + " tensor " + shapeString());
        }
        int o = offset;
        for (int d = 0; d < idx.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for " + shapeString());
            }
            o += idx[d] * strides[d];
        }
        return o;
    }

    private void checkDim(int dim) {
        if (dim < 0 || dim >= shape.length) {
            throw new IllegalArgumentException("dim " + dim + " out of range for " + shapeString());
        }
    }

    private static void checkLayoutRank(Layout layout, int[] shape) {
        if (layout != Layout.ROW_MAJOR && shape.length != 4) {
            throw new IllegalArgumentException(layout + " needs 4 dims, got " + Arrays.toString(shape));
        }
    }

    static int checkedSize(int[] shape) {
        long s = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            s *= d;
            if (s > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " exceeds 2^31 elements");
            }
        }
        return (int) s;
    }

    static int[] rowMajorStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }
}

package org.simdnn.onnx;

/**
 * A tensor in a plan: its logical (ONNX) shape, how it is stored, and where. A constant carries its data
 * (in storage order); a runtime value lives in an arena buffer of the session, shared with the values it
 * aliases (Reshape, Flatten, Squeeze, ... of a contiguous value copy nothing).
 */
final class Value {
    /** How the logical dims are ordered in memory. */
    enum Storage {
        /** As ONNX says: row-major over the logical shape. */
        LOGICAL,
        /** Rank >= 3 with the channel dim (logical axis 1) innermost: NHWC for an NCHW value, NLC for NCL. */
        CHANNELS_LAST,
        /**
         * A rank-2 {@code [N, C*H*W]} flatten of a channels-last value, stored as {@code [N, H*W*C]}: only a
         * Gemm/MatMul whose weight rows were permuted to match may read it.
         */
        FLAT_HWC
    }

    final String name;
    final int[] shape;
    final Storage storage;
    /** The logical constant (for folding); null for runtime values. */
    final Const constant;
    /** Constant data in storage order (for binding); null for runtime values. */
    final float[] data;
    /** The value whose buffer this one reads (itself unless an alias). */
    final Value root;
    /** For FLAT_HWC: the channels, height and width that were flattened, and the channels-last value. */
    int[] flatChw;
    Value flatOf;

    // Arena assignment (roots of runtime values only), filled by the planner.
    int buffer = -1;
    int lastUse = -1;

    private Value(String name, int[] shape, Storage storage, Const constant, float[] data, Value root) {
        this.name = name;
        this.shape = shape.clone();
        this.storage = storage;
        this.constant = constant;
        this.data = data;
        this.root = root == null ? this : root;
        if (storage == Storage.CHANNELS_LAST && shape.length < 3) {
            throw new IllegalArgumentException("channels-last storage needs rank >= 3: " + name + Shapes.str(shape));
        }
    }

    /** A value computed at run time; a shape over 2^31 elements (a hostile declared dim) is refused by name. */
    static Value runtime(String name, int[] shape, Storage storage) {
        try {
            Shapes.size(shape);
        } catch (OnnxException e) {
            throw new OnnxException("value '" + name + "': " + e.getMessage(), e);
        }
        return new Value(name, shape, storage, null, null, null);
    }

    static Value constant(String name, Const c) {
        return new Value(name, c.shape(), Storage.LOGICAL, c, c.isFloat() ? c.floats() : null, null);
    }

    /** A constant converted to another storage order (data permuted by the caller). */
    static Value constant(String name, Const c, Storage storage, float[] data) {
        return new Value(name, c.shape(), storage, c, data, null);
    }

    /** Another name and shape over the same storage. */
    Value alias(String newName, int[] newShape, Storage newStorage) {
        if (constant != null) {
            return constant(newName, constant.reshaped(newShape));
        }
        return new Value(newName, newShape, newStorage, null, null, root);
    }

    boolean isConst() { return constant != null; }

    int rank() { return shape.length; }

    int size() { return Shapes.size(shape); }

    /** The dims in storage order. */
    int[] physShape() {
        if (storage != Storage.CHANNELS_LAST) return shape.clone();
        int r = shape.length;
        int[] p = new int[r];
        p[0] = shape[0];
        for (int i = 2; i < r; i++) p[i - 1] = shape[i];
        p[r - 1] = shape[1];
        return p;
    }

    /** Element stride of each logical axis in storage. */
    int[] logicalStrides() {
        if (storage == Storage.FLAT_HWC) throw new IllegalStateException(name + " is a flattened NHWC value");
        int[] ps = Shapes.strides(physShape());
        if (storage == Storage.LOGICAL) return ps;
        int r = shape.length;
        int[] s = new int[r];
        s[0] = ps[0];
        s[1] = ps[r - 1];
        for (int i = 2; i < r; i++) s[i] = ps[i - 1];
        return s;
    }

    /** True when storage order equals row-major logical order (dims of size 1 do not matter). */
    boolean orderIsLogical() {
        if (storage == Storage.LOGICAL) return true;
        if (storage == Storage.FLAT_HWC) return flatChw[0] == 1 || flatChw[1] * flatChw[2] == 1;
        int[] st = logicalStrides();
        int prev = Integer.MAX_VALUE;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            if (st[i] > prev) return false;
            prev = st[i];
        }
        return true;
    }

    String describe() {
        return Shapes.str(shape) + (storage == Storage.CHANNELS_LAST ? (shape.length == 4 ? " NHWC" : " ch-last")
                : storage == Storage.FLAT_HWC ? " flat-HWC" : "");
    }

    @Override
    public String toString() { return name + describe(); }
}

package org.simdnn.onnx;

import java.util.Arrays;

/**
 * A graph input or output as the model declares it: its name, its logical (ONNX, e.g. NCHW) shape with -1
 * for a symbolic or unknown dimension, and its element type ("float", "int64", ...).
 */
public record ValueInfo(String name, int[] shape, String elemType) {
    public ValueInfo {
        shape = shape.clone();
    }

    @Override public int[] shape() { return shape.clone(); }

    @Override
    public String toString() { return name + " " + elemType + Arrays.toString(shape); }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueInfo v && v.name.equals(name) && Arrays.equals(v.shape, shape)
                && v.elemType.equals(elemType);
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(shape); }
}

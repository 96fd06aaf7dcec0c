package org.simdnn.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.tensor.Tensor;

/**
 * Named float tensors as plain arrays, the form in which parameters, gradients, batch-norm statistics and
 * optimizer state cross the network: copied out of a model with {@link #of}, into one with {@link #copyInto},
 * and summed across partitions with {@link #scaledBy} and {@link #add}.
 */
record NamedArrays(String[] names, int[][] shapes, float[][] values) implements Serializable {
    NamedArrays {
        if (names.length != shapes.length || names.length != values.length) {
            throw new IllegalArgumentException(names.length + " names, " + shapes.length + " shapes, " + values.length + " arrays");
        }
    }

    /** Copies of {@code tensors}, in the map's order. */
    static NamedArrays of(Map<String, Tensor> tensors) {
        int n = tensors.size(), i = 0;
        String[] names = new String[n];
        int[][] shapes = new int[n][];
        float[][] values = new float[n][];
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            names[i] = e.getKey();
            shapes[i] = e.getValue().shape();
            values[i++] = e.getValue().toArray();
        }
        return new NamedArrays(names, shapes, values);
    }

    int size() { return names.length; }

    /** Copies each array into the live tensor of the same name; every name must be there with the same shape. */
    void copyInto(Map<String, Tensor> live) {
        for (int i = 0; i < names.length; i++) {
            Tensor t = live.get(names[i]);
            if (t == null) throw new IllegalArgumentException("no tensor '" + names[i] + "' in " + live.keySet());
            t.copyFrom(Tensor.wrap(values[i], 0, t.layout(), shapes[i]));
        }
    }

    /** New tensors of the saved shapes (for an optimizer's {@code loadState}). */
    Map<String, Tensor> toTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) m.put(names[i], Tensor.wrap(values[i].clone(), shapes[i]));
        return m;
    }

    /** Multiplies every element by {@code s} in place; a scale of exactly 1 leaves the bits alone. */
    NamedArrays scaledBy(double s) {
        if (s == 1) return this;
        float f = (float) s;
        for (float[] v : values) for (int j = 0; j < v.length; j++) v[j] *= f;
        return this;
    }

    /** Adds {@code o} element-wise in place; both must hold the same names and shapes in the same order. */
    NamedArrays add(NamedArrays o) {
        if (o.names.length != names.length) {
            throw new IllegalArgumentException("adding " + o.names.length + " tensors to " + names.length);
        }
        for (int i = 0; i < names.length; i++) {
            float[] a = values[i], b = o.values[i];
            if (!names[i].equals(o.names[i]) || a.length != b.length) {
                throw new IllegalArgumentException("adding '" + o.names[i] + "' (" + b.length + " floats) to '" + names[i]
                        + "' (" + a.length + " floats)");
            }
            for (int j = 0; j < a.length; j++) a[j] += b[j];
        }
        return this;
    }

    /** The first name whose values hold a NaN or infinity, or null. */
    String firstNonFinite() {
        for (int i = 0; i < names.length; i++) for (float x : values[i]) if (!Float.isFinite(x)) return names[i];
        return null;
    }
}

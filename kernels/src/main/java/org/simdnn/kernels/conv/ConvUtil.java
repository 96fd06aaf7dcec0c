package org.simdnn.kernels.conv;

import java.util.Arrays;

/** Small loops shared by the implementations. */
final class ConvUtil {
    private ConvUtil() {}

    /** out[0, size) = sum of parts[0..count)[0, size). */
    static void sumPartials(float[][] parts, int count, int size, float[] out, int oo) {
        System.arraycopy(parts[0], 0, out, oo, size);
        for (int t = 1; t < count; t++) {
            float[] p = parts[t];
            for (int i = 0; i < size; i++) out[oo + i] += p[i];
        }
    }

    /** out[c] = sum over rows of a[rows, cols]; accumulated in double per column block for accuracy. */
    static void sumRows(float[] a, int ao, int rows, int cols, float[] out, int oo) {
        double[] acc = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = ao + r * cols;
            for (int c = 0; c < cols; c++) acc[c] += a[base + c];
        }
        for (int c = 0; c < cols; c++) out[oo + c] = (float) acc[c];
    }

    /** y rows = bias (or zero). */
    static void fillRows(float[] y, int yo, int rows, int cols, float[] bias, int bo) {
        if (bias == null) {
            Arrays.fill(y, yo, yo + rows * cols, 0f);
        } else {
            for (int r = 0; r < rows; r++) System.arraycopy(bias, bo, y, yo + r * cols, cols);
        }
    }
}

package org.simdnn.onnx;

import java.util.Arrays;

/**
 * One data-movement primitive for every copy the runtime makes: a box of {@code dims} written at
 * {@code dstBase + sum(i_d * dstStrides[d])}, read from {@code sum(src[d][i_d])} — per-dim tables of source
 * offsets, where -1 marks padding. Transpose, layout conversion, Slice (any step), Pad (constant, edge,
 * reflect), Gather along one axis, Expand, Concat pieces and NumPy broadcasting are all such tables. The same
 * map moves runtime floats and folds constants (floats or longs) at load. Dims are iterated in destination
 * order, so writes are sequential; a unit-stride innermost run is one {@code System.arraycopy}.
 */
final class IndexMap {
    final int[] dims;
    final int[][] src;
    final int[] dstStrides;
    final int dstBase;
    /** Innermost source offsets are consecutive (no padding) and the destination stride is 1. */
    private final boolean innerRun;

    private IndexMap(int[] dims, int[][] src, int[] dstStrides, int dstBase) {
        this.dims = dims;
        this.src = src;
        this.dstStrides = dstStrides;
        this.dstBase = dstBase;
        int last = dims.length - 1;
        boolean run = last >= 0 && dstStrides[last] == 1;
        for (int j = 0; run && j < dims[last]; j++) run = src[last][j] >= 0 && src[last][j] == src[last][0] + j;
        this.innerRun = run;
    }

    /**
     * The general builder. For each box axis {@code a} (logical axes of the destination box): the source
     * logical axis it reads ({@code srcAxis[a]}, -1 for a broadcast that reads offset 0) and the source index
     * of each position ({@code index[a]}: null = the identity, an entry of -1 = padding).
     */
    static IndexMap of(int[] box, int[] dstStrides, int dstBase, int[] srcStrides, int[] srcAxis, int[][] index) {
        int r = box.length;
        Integer[] order = new Integer[r];
        for (int i = 0; i < r; i++) order[i] = i;
        // Destination order: larger destination strides outside (stable, so equal strides keep logical order).
        Arrays.sort(order, (x, y) -> Integer.compare(dstStrides[y], dstStrides[x]));
        int[] dims = new int[r], ds = new int[r];
        int[][] offs = new int[r][];
        for (int k = 0; k < r; k++) {
            int a = order[k];
            dims[k] = box[a];
            ds[k] = dstStrides[a];
            offs[k] = new int[box[a]];
            int stride = srcAxis[a] < 0 ? 0 : srcStrides[srcAxis[a]];
            for (int j = 0; j < box[a]; j++) {
                int i = index == null || index[a] == null ? j : index[a][j];
                offs[k][j] = i < 0 ? -1 : i * stride;
            }
        }
        return new IndexMap(dims, offs, ds, dstBase);
    }

    /** Reads {@code srcLogical} axes in the destination's logical order (a whole-tensor transpose/relayout). */
    static IndexMap permute(int[] dstShape, int[] dstStrides, int[] srcStrides, int[] srcAxis) {
        return of(dstShape, dstStrides, 0, srcStrides, srcAxis, null);
    }

    int size() {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    void copy(float[] s, int so, float[] d, int dOff, float pad) {
        if (dims.length == 0) {
            d[dOff + dstBase] = s[so];
            return;
        }
        copy(0, s, so, d, dOff + dstBase, pad);
    }

    private void copy(int k, float[] s, int so, float[] d, int dOff, float pad) {
        int n = dims[k], ds = dstStrides[k];
        int[] o = src[k];
        if (k == dims.length - 1) {
            if (innerRun) {
                System.arraycopy(s, so + o[0], d, dOff, n);
            } else {
                for (int j = 0; j < n; j++) d[dOff + j * ds] = o[j] < 0 ? pad : s[so + o[j]];
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            if (o[j] < 0) fill(k + 1, d, dOff + j * ds, pad);
            else copy(k + 1, s, so + o[j], d, dOff + j * ds, pad);
        }
    }

    private void fill(int k, float[] d, int dOff, float pad) {
        int n = dims[k], ds = dstStrides[k];
        for (int j = 0; j < n; j++) {
            if (k == dims.length - 1) d[dOff + j * ds] = pad;
            else fill(k + 1, d, dOff + j * ds, pad);
        }
    }

    /**
     * The flat source offset of every box element in row-major box order (-1 = padding), for folding
     * constants; also the destination offset of each via {@link #dstOffsets}.
     */
    int[] srcOffsets() {
        int[] out = new int[size()];
        int[] idx = new int[dims.length];
        for (int e = 0; e < out.length; e++) {
            int off = 0;
            for (int k = 0; k < dims.length; k++) {
                int o = src[k][idx[k]];
                if (o < 0) { off = -1; break; }
                off += o;
            }
            out[e] = off;
            for (int k = dims.length - 1; k >= 0 && ++idx[k] == dims[k]; k--) idx[k] = 0;
        }
        return out;
    }

    int[] dstOffsets() {
        int[] out = new int[size()];
        int[] idx = new int[dims.length];
        for (int e = 0; e < out.length; e++) {
            int off = dstBase;
            for (int k = 0; k < dims.length; k++) off += idx[k] * dstStrides[k];
            out[e] = off;
            for (int k = dims.length - 1; k >= 0 && ++idx[k] == dims[k]; k--) idx[k] = 0;
        }
        return out;
    }

    /** Load-time copy of integer data (shape subgraphs). */
    void copy(long[] s, long[] d, long pad) {
        int[] so = srcOffsets(), dOff = dstOffsets();
        for (int e = 0; e < so.length; e++) d[dOff[e]] = so[e] < 0 ? pad : s[so[e]];
    }
}

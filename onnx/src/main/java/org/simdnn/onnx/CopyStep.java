package org.simdnn.onnx;

/**
 * Data movement through {@link IndexMap}s: one map per input, each writing its box of the output
 * (Transpose, layout conversion, Slice, Pad, Gather, Expand: one input; Concat: one per input).
 */
final class CopyStep extends Step {
    final IndexMap[] maps;
    final float pad;
    final String what;

    CopyStep(String op, String node, Value[] in, Value out, IndexMap[] maps, float pad, String what) {
        super(op, node, in, new Value[] {out});
        this.maps = maps;
        this.pad = pad;
        this.what = what;
    }

    @Override
    Runnable bind(Binding b) {
        float[] y = b.data(outputs[0]);
        if (maps.length == 1) {
            float[] x = b.data(inputs[0]);
            IndexMap m = maps[0];
            return () -> m.copy(x, 0, y, 0, pad);
        }
        float[][] xs = new float[inputs.length][];
        for (int i = 0; i < xs.length; i++) xs[i] = b.data(inputs[i]);
        return () -> {
            for (int i = 0; i < maps.length; i++) maps[i].copy(xs[i], 0, y, 0, pad);
        };
    }

    /** Applies the maps to constant inputs at load. */
    static Const fold(IndexMap[] maps, Value[] in, int[] outShape, float pad) {
        int n = Shapes.size(outShape);
        boolean floats = false;
        for (Value v : in) floats |= v.constant.isFloat();
        if (floats) {
            float[] y = new float[n];
            for (int i = 0; i < maps.length; i++) maps[i].copy(in[i].constant.asFloats(), 0, y, 0, pad);
            return Const.ofFloats(outShape, y);
        }
        long[] y = new long[n];
        for (int i = 0; i < maps.length; i++) maps[i].copy(in[i].constant.longs(), y, (long) pad);
        return new Const(in[0].constant.type(), outShape, null, y);
    }

    @Override double flops() { return 0; }

    @Override String detail() { return what; }
}

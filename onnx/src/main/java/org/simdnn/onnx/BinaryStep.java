package org.simdnn.onnx;

import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * {@code out = a op b} with NumPy broadcasting over values in any storage: two {@link IndexMap}s over the
 * output (a broadcast axis reads offset 0), walked in the output's storage order with a strided inner loop.
 * Operands stored exactly like the output are one flat loop (Add/Mul on the {@link Backend}).
 */
final class BinaryStep extends Step {
    final BinaryOp fn;
    final IndexMap am, bm;
    final boolean flat;

    BinaryStep(String op, String node, Value a, Value b, Value out, BinaryOp fn) {
        super(op, node, new Value[] {a, b}, new Value[] {out});
        this.fn = fn;
        this.am = broadcastMap(a, out);
        this.bm = broadcastMap(b, out);
        this.flat = sameStorage(a, out) && sameStorage(b, out);
    }

    /** Reads {@code v} broadcast to {@code out}'s logical shape, in out's storage order. */
    static IndexMap broadcastMap(Value v, Value out) {
        int r = out.rank(), off = r - v.rank();
        int[] axis = new int[r];
        for (int i = 0; i < r; i++) axis[i] = i < off || v.shape[i - off] == 1 ? -1 : i - off;
        return IndexMap.of(out.shape, out.logicalStrides(), 0, v.rank() == 0 ? new int[0] : v.logicalStrides(), axis, null);
    }

    private static boolean sameStorage(Value v, Value out) {
        return java.util.Arrays.equals(v.shape, out.shape) && (v.storage == out.storage || v.orderIsLogical() && out.orderIsLogical());
    }

    @Override
    Runnable bind(Binding bd) {
        Backend be = bd.backend();
        float[] a = bd.data(inputs[0]), b = bd.data(inputs[1]), y = bd.data(outputs[0]);
        int n = out().size();
        if (flat && (fn == BinaryOp.ADD || fn == BinaryOp.MUL)) {
            Tensor at = Tensor.wrap(a, 0, org.simdnn.tensor.Layout.ROW_MAJOR, n), bt = Tensor.wrap(b, 0, org.simdnn.tensor.Layout.ROW_MAJOR, n),
                    yt = Tensor.wrap(y, 0, org.simdnn.tensor.Layout.ROW_MAJOR, n);
            return fn == BinaryOp.ADD ? () -> be.add(at, bt, yt) : () -> be.mul(at, bt, yt);
        }
        if (flat) return () -> run(fn, a, 0, 1, b, 0, 1, y, 0, n);
        if (am.dims.length == 0) return () -> y[0] = fn.apply(a[0], b[0]);
        return () -> walk(0, a, 0, b, 0, y, 0);
    }

    private void walk(int k, float[] a, int ao, float[] b, int bo, float[] y, int yo) {
        int n = am.dims[k], ys = am.dstStrides[k];
        int[] oa = am.src[k], ob = bm.src[k];
        if (k == am.dims.length - 1) {
            int sa = n > 1 ? oa[1] - oa[0] : 0, sb = n > 1 ? ob[1] - ob[0] : 0;
            if (ys == 1) {
                run(fn, a, ao + oa[0], sa, b, bo + ob[0], sb, y, yo, n);
            } else {
                for (int j = 0; j < n; j++) y[yo + j * ys] = fn.apply(a[ao + oa[j]], b[bo + ob[j]]);
            }
            return;
        }
        for (int j = 0; j < n; j++) walk(k + 1, a, ao + oa[j], b, bo + ob[j], y, yo + j * ys);
    }

    /** y[yo + j] = a[ao + j sa] op b[bo + j sb]; the op is switched once per run, outside the loop. */
    private static void run(BinaryOp fn, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] y, int yo, int n) {
        switch (fn) {
            case ADD -> { for (int j = 0; j < n; j++) y[yo + j] = a[ao + j * sa] + b[bo + j * sb]; }
            case SUB -> { for (int j = 0; j < n; j++) y[yo + j] = a[ao + j * sa] - b[bo + j * sb]; }
            case MUL -> { for (int j = 0; j < n; j++) y[yo + j] = a[ao + j * sa] * b[bo + j * sb]; }
            case DIV -> { for (int j = 0; j < n; j++) y[yo + j] = a[ao + j * sa] / b[bo + j * sb]; }
            default -> { for (int j = 0; j < n; j++) y[yo + j] = fn.apply(a[ao + j * sa], b[bo + j * sb]); }
        }
    }

    /** Folds {@code a op b} at load (any element types; integer ops stay integer). */
    static Const fold(BinaryOp fn, Value a, Value b, int[] outShape, String where) {
        Value out = Value.runtime("", outShape, Value.Storage.LOGICAL);
        int[] ia = broadcastMap(a, out).srcOffsets(), ib = broadcastMap(b, out).srcOffsets();
        Const ca = a.constant, cb = b.constant;
        if (ca.isFloat() || cb.isFloat()) {
            float[] x = ca.asFloats(), z = cb.asFloats(), y = new float[ia.length];
            for (int i = 0; i < y.length; i++) y[i] = fn.apply(x[ia[i]], z[ib[i]]);
            return Const.ofFloats(outShape, y);
        }
        long[] x = ca.longs(), z = cb.longs(), y = new long[ia.length];
        for (int i = 0; i < y.length; i++) y[i] = fn.apply(x[ia[i]], z[ib[i]], where);
        return fn == BinaryOp.EQUAL ? new Const(org.simdnn.onnx.proto.OnnxProto.TensorProto.DataType.BOOL, outShape, null, y)
                : new Const(ca.type(), outShape, null, y);
    }

    @Override double flops() { return out().size(); }

    @Override String detail() { return fn.name().toLowerCase(java.util.Locale.ROOT) + (flat ? "" : " broadcast"); }
}

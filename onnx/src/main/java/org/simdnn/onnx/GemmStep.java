package org.simdnn.onnx;

import org.simdnn.ops.Backend;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.PreparedGemm;
import org.simdnn.tensor.Tensor;

/**
 * Gemm and MatMul: {@code Y[i] = alpha op(A[i]) op(B[i]) + C} over a batch of row-major matrices (one for
 * Gemm, the broadcast batch dims for MatMul), as {@link Backend#sgemm} calls. C is either a bias row (added
 * with {@link Backend#biasAdd}) or any broadcastable tensor copied into Y first ({@code beta} folded in).
 * The output gets the {@link Epilogue}.
 */
final class GemmStep extends Step {
    final int m, n, k;
    final boolean transA, transB;
    final float alpha;
    final int[] aOffsets, bOffsets;
    /** C as a bias over Y's last dim, or null. */
    final Value biasRow;
    /** C broadcast into Y (times cScale), or null. */
    final IndexMap cInit;
    final float cScale;
    final String note;
    Epilogue epilogue = Epilogue.NONE;

    GemmStep(String op, String node, Value a, Value b, Value c, Value y, int m, int n, int k, boolean transA,
             boolean transB, float alpha, int[] aOffsets, int[] bOffsets, boolean cIsBiasRow, IndexMap cInit,
             float cScale, String note) {
        super(op, node, c == null ? new Value[] {a, b} : new Value[] {a, b, c}, new Value[] {y});
        this.m = m;
        this.n = n;
        this.k = k;
        this.transA = transA;
        this.transB = transB;
        this.alpha = alpha;
        this.aOffsets = aOffsets;
        this.bOffsets = bOffsets;
        this.biasRow = cIsBiasRow ? c : null;
        this.cInit = cIsBiasRow ? null : cInit;
        this.cScale = cScale;
        this.note = note;
    }

    void fuse(Epilogue e, Value newOutput) {
        epilogue = e;
        outputs = new Value[] {newOutput};
        if (e.residual() != null) {
            Value[] in = java.util.Arrays.copyOf(inputs, inputs.length + 1);
            in[inputs.length] = e.residual();
            inputs = in;
        }
    }

    @Override
    Runnable bind(Binding bd) {
        Backend be = bd.backend();
        float[] a = bd.data(inputs[0]), b = bd.data(inputs[1]);
        float[] c = inputs.length > 2 && (biasRow != null || cInit != null) ? bd.data(inputs[2]) : null;
        Value yv = outputs[0];
        float[] y = bd.data(yv);
        int rows = yv.size() / n;
        Tensor yRows = Tensor.wrap(y, 0, org.simdnn.tensor.Layout.ROW_MAJOR, rows, n);
        Tensor bias = biasRow == null ? null : Tensor.wrap(c, 0, org.simdnn.tensor.Layout.ROW_MAJOR, n);
        Tensor r = epilogue.residual() == null ? null
                : Tensor.wrap(bd.data(epilogue.residual()), 0, org.simdnn.tensor.Layout.ROW_MAJOR, rows, n);
        Epilogue e = epilogue;
        PreparedGemm pg = prepared(be);
        if (pg != null) {
            // Constant B laid out once; rows of every batch matrix in one call; bias, residual, ReLU/Clip fused.
            int rowsA = m * aOffsets.length, a0 = aOffsets[0], ro = 0;
            float[] res = r == null ? null : r.data();
            Unary after = e.clamp() == null ? e.act() : null;
            float pa = e.a(), pb = e.b();
            Runnable gemm = pg.bind(rowsA, a, a0, res, ro, y, 0); // bound to this session's buffers
            if (after == null) return gemm;
            return () -> {
                gemm.run();
                after.apply(be, pa, pb, yRows, yRows);
            };
        }
        int lda = transA ? m : k, ldb = transB ? k : n, mn = m * n;
        float beta = cInit != null ? 1f : 0f;
        return () -> {
            if (cInit != null) {
                cInit.copy(c, 0, y, 0, 0f);
                if (cScale != 1f) be.scale(cScale, yRows, yRows);
            }
            for (int i = 0; i < aOffsets.length; i++) {
                be.sgemm(transA, transB, m, n, k, alpha, a, aOffsets[i], lda, b, bOffsets[i], ldb, beta, y, i * mn, n);
            }
            if (bias != null) be.biasAdd(bias, yRows);
            e.apply(be, yRows, r);
        };
    }

    /** Per backend (a session's backend and its scalar form); a null value: not a prepared GEMM. Guarded by this. */
    private final java.util.Map<Backend, PreparedGemm> prepared = new java.util.IdentityHashMap<>(4);

    /**
     * The GEMM with B bound, for {@code be}, when this step is one: constant B (and bias), A not transposed,
     * alpha 1, no C other than a bias row, and the batch matrices of A consecutive rows sharing one B. Else null.
     * Made on first use and shared by every session.
     */
    private synchronized PreparedGemm prepared(Backend be) {
        if (prepared.containsKey(be)) return prepared.get(be);
        PreparedGemm pg = null;
        Value bv = inputs[1];
        boolean oneB = true, rowsInOrder = true;
        for (int i = 0; i < aOffsets.length; i++) {
            oneB &= bOffsets[i] == bOffsets[0];
            rowsInOrder &= aOffsets[i] == aOffsets[0] + i * m * k;
        }
        Clamp c = epilogue.clamp();
        if (bv.isConst() && !transA && alpha == 1f && cInit == null && oneB && rowsInOrder
                && (biasRow == null || biasRow.isConst())) {
            pg = be.prepareGemm(transB, k, n, bv.data, bOffsets[0], biasRow == null ? null : biasRow.data, 0,
                    c == null ? Clamp.NONE : c);
        }
        prepared.put(be, pg);
        return pg;
    }

    @Override double flops() { return 2.0 * m * n * k * aOffsets.length; }

    @Override long params() { return inputs[1].isConst() ? inputs[1].size() : 0; }

    @Override
    String detail() {
        return epilogue.detail("m" + m + " n" + n + " k" + k + (aOffsets.length > 1 ? " batch" + aOffsets.length : "")
                + (transA ? " A^T" : "") + (transB ? " B^T" : "") + (alpha != 1f ? " alpha=" + alpha : "")
                + (biasRow != null ? " +bias" : cInit != null ? " +C" : ""), note);
    }

    @Override
    String impl() {
        Backend be = org.simdnn.ops.Backends.get();
        PreparedGemm pg = prepared(be);
        return pg == null ? be.name() + " sgemm" : pg.id(m * aOffsets.length);
    }
}

package org.simdnn.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.cpu.CpuInfo;

/**
 * {@code f32-gemm-panel-{1,2,4}x2v}: a few rows of A times one column panel of B, the panel stored k-major
 * ({@code [k][2L]}, L floats per vector), so the panel is read once, front to back, for up to four rows: the
 * GEMV-like path of small-batch inference, bound by the speed at which B streams in. Eight accumulators in
 * every variant (one row: four chains over k; two rows: two; four rows: one) hide the FMA latency. The result
 * ({@code rows x 2L}) goes to {@code out} row-major; the caller adds the epilogue and drops padded columns.
 * Only loaded when {@link CpuInfo#VECTOR_BITS} is non-zero.
 */
final class F32GemmPanel {
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(CpuInfo.VECTOR_BITS));
    static final int L = F.length();
    /** Panel width in floats. */
    static final int W = 2 * L;

    private F32GemmPanel() {}

    /** out[r, 0..W) = Σ_p a[ai + r·k + p] · panel[po + p·W + 0..W) for r in [0, rows), rows in {1, 2, 3, 4}. */
    static void rows(int rows, int k, float[] a, int ai, float[] panel, int po, float[] out) {
        switch (rows) {
            case 1 -> one(k, a, ai, panel, po, out, 0);
            case 2 -> two(k, a, ai, panel, po, out);
            case 3 -> {
                two(k, a, ai, panel, po, out);
                one(k, a, ai + 2 * k, panel, po, out, 2 * W);
            }
            case 4 -> four(k, a, ai, panel, po, out);
            default -> throw new IllegalArgumentException("panel rows must be 1 to 4, got " + rows);
        }
    }

    private static void one(int k, float[] a, int ai, float[] b, int bo, float[] out, int oo) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, d0 = c0, d1 = c0, e0 = c0, e1 = c0, f0 = c0, f1 = c0;
        int p = 0;
        for (; p + 4 <= k; p += 4, bo += 4 * W) {
            FloatVector x0 = FloatVector.broadcast(F, a[ai + p]), x1 = FloatVector.broadcast(F, a[ai + p + 1]);
            FloatVector x2 = FloatVector.broadcast(F, a[ai + p + 2]), x3 = FloatVector.broadcast(F, a[ai + p + 3]);
            c0 = FloatVector.fromArray(F, b, bo).fma(x0, c0);
            c1 = FloatVector.fromArray(F, b, bo + L).fma(x0, c1);
            d0 = FloatVector.fromArray(F, b, bo + W).fma(x1, d0);
            d1 = FloatVector.fromArray(F, b, bo + W + L).fma(x1, d1);
            e0 = FloatVector.fromArray(F, b, bo + 2 * W).fma(x2, e0);
            e1 = FloatVector.fromArray(F, b, bo + 2 * W + L).fma(x2, e1);
            f0 = FloatVector.fromArray(F, b, bo + 3 * W).fma(x3, f0);
            f1 = FloatVector.fromArray(F, b, bo + 3 * W + L).fma(x3, f1);
        }
        for (; p < k; p++, bo += W) {
            FloatVector x0 = FloatVector.broadcast(F, a[ai + p]);
            c0 = FloatVector.fromArray(F, b, bo).fma(x0, c0);
            c1 = FloatVector.fromArray(F, b, bo + L).fma(x0, c1);
        }
        c0.add(d0).add(e0.add(f0)).intoArray(out, oo);
        c1.add(d1).add(e1.add(f1)).intoArray(out, oo + L);
    }

    private static void two(int k, float[] a, int ai, float[] b, int bo, float[] out) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, d0 = c0, d1 = c0, e0 = c0, e1 = c0, f0 = c0, f1 = c0;
        int a1 = ai + k, p = 0;
        for (; p + 2 <= k; p += 2, bo += 2 * W) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo), b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector g0 = FloatVector.fromArray(F, b, bo + W), g1 = FloatVector.fromArray(F, b, bo + W + L);
            FloatVector x0 = FloatVector.broadcast(F, a[ai + p]), y0 = FloatVector.broadcast(F, a[a1 + p]);
            FloatVector x1 = FloatVector.broadcast(F, a[ai + p + 1]), y1 = FloatVector.broadcast(F, a[a1 + p + 1]);
            c0 = b0.fma(x0, c0);
            c1 = b1.fma(x0, c1);
            d0 = b0.fma(y0, d0);
            d1 = b1.fma(y0, d1);
            e0 = g0.fma(x1, e0);
            e1 = g1.fma(x1, e1);
            f0 = g0.fma(y1, f0);
            f1 = g1.fma(y1, f1);
        }
        for (; p < k; p++, bo += W) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo), b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector x0 = FloatVector.broadcast(F, a[ai + p]), y0 = FloatVector.broadcast(F, a[a1 + p]);
            c0 = b0.fma(x0, c0);
            c1 = b1.fma(x0, c1);
            d0 = b0.fma(y0, d0);
            d1 = b1.fma(y0, d1);
        }
        c0.add(e0).intoArray(out, 0);
        c1.add(e1).intoArray(out, L);
        d0.add(f0).intoArray(out, W);
        d1.add(f1).intoArray(out, W + L);
    }

    private static void four(int k, float[] a, int ai, float[] b, int bo, float[] out) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, d0 = c0, d1 = c0, e0 = c0, e1 = c0, f0 = c0, f1 = c0;
        int a1 = ai + k, a2 = a1 + k, a3 = a2 + k;
        for (int p = 0; p < k; p++, bo += W) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo), b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector x = FloatVector.broadcast(F, a[ai + p]);
            c0 = b0.fma(x, c0);
            c1 = b1.fma(x, c1);
            x = FloatVector.broadcast(F, a[a1 + p]);
            d0 = b0.fma(x, d0);
            d1 = b1.fma(x, d1);
            x = FloatVector.broadcast(F, a[a2 + p]);
            e0 = b0.fma(x, e0);
            e1 = b1.fma(x, e1);
            x = FloatVector.broadcast(F, a[a3 + p]);
            f0 = b0.fma(x, f0);
            f1 = b1.fma(x, f1);
        }
        c0.intoArray(out, 0);
        c1.intoArray(out, L);
        d0.intoArray(out, W);
        d1.intoArray(out, W + L);
        e0.intoArray(out, 2 * W);
        e1.intoArray(out, 2 * W + L);
        f0.intoArray(out, 3 * W);
        f1.intoArray(out, 3 * W + L);
    }

    /**
     * c[ci + j] = clamp(c[ci + j] + bias[bo + j] + res[ri + j], lo, hi) for j in [0, n): bias and res only when not
     * null. The prepared GEMM's epilogue, on rows still in cache.
     */
    static void epilogue(float[] c, int ci, float[] bias, int bo, float[] res, int ri, int n, float lo, float hi) {
        FloatVector vlo = FloatVector.broadcast(F, lo), vhi = FloatVector.broadcast(F, hi);
        int j = 0;
        for (int end = n - L; j <= end; j += L) {
            FloatVector v = FloatVector.fromArray(F, c, ci + j);
            if (bias != null) v = v.add(FloatVector.fromArray(F, bias, bo + j));
            if (res != null) v = v.add(FloatVector.fromArray(F, res, ri + j));
            v.max(vlo).min(vhi).intoArray(c, ci + j);
        }
        for (; j < n; j++) {
            float v = c[ci + j];
            if (bias != null) v += bias[bo + j];
            if (res != null) v += res[ri + j];
            c[ci + j] = Math.min(Math.max(v, lo), hi);
        }
    }
}

package org.simdnn.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.cpu.CpuInfo;

/**
 * The float species the convolution kernels use ({@link CpuInfo#VECTOR_BITS}, which tests can force). Only
 * loaded when that width is non-zero, so a JVM without the incubator module never touches Vector API classes.
 */
final class ConvVectors {
    static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(CpuInfo.VECTOR_BITS));
    static final int L = F.length();

    private ConvVectors() {}

    /** y[yi + i] += a[ai + i] * b[bi + i] for i in [0, n): vector body, scalar tail. */
    static void madd(float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector va = FloatVector.fromArray(F, a, ai + i);
            FloatVector vb = FloatVector.fromArray(F, b, bi + i);
            va.fma(vb, FloatVector.fromArray(F, y, yi + i)).intoArray(y, yi + i);
        }
        for (; i < n; i++) y[yi + i] = Math.fma(a[ai + i], b[bi + i], y[yi + i]);
    }

    /** out[oo + j] += Σ_r a[ao + r·lda + j] for j in [0, cols), cols a multiple of L. */
    static void addRows(float[] a, int ao, int rows, int lda, float[] out, int oo) {
        for (int j = 0; j < lda; j += L) {
            FloatVector acc = FloatVector.zero(F);
            for (int r = 0, i = ao + j; r < rows; r++, i += lda) acc = acc.add(FloatVector.fromArray(F, a, i));
            acc.add(FloatVector.fromArray(F, out, oo + j)).intoArray(out, oo + j);
        }
    }

    /** y[yi + i] += s * a[ai + i] for i in [0, n). */
    static void axpy(float s, float[] a, int ai, float[] y, int yi, int n) {
        FloatVector vs = FloatVector.broadcast(F, s);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector.fromArray(F, a, ai + i).fma(vs, FloatVector.fromArray(F, y, yi + i)).intoArray(y, yi + i);
        }
        for (; i < n; i++) y[yi + i] = Math.fma(s, a[ai + i], y[yi + i]);
    }

    /** Σ a[ai + i] · b[bi + i] for i in [0, n) (lane-parallel partial sums, then a scalar tail). */
    static float dot(float[] a, int ai, float[] b, int bi, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            acc = FloatVector.fromArray(F, a, ai + i).fma(FloatVector.fromArray(F, b, bi + i), acc);
        }
        float s = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < n; i++) s = Math.fma(a[ai + i], b[bi + i], s);
        return s;
    }

    /**
     * y[yo + i] = clamp(y[yo + i] + r[ro + i], lo, hi) for i in [0, n), in place; the residual only when
     * {@code r} is not null. The fused epilogue of the kernels whose tiles store before it runs.
     */
    static void epilogue(float[] y, int yo, float[] r, int ro, int n, float lo, float hi) {
        FloatVector vlo = FloatVector.broadcast(F, lo), vhi = FloatVector.broadcast(F, hi);
        int i = 0;
        for (int end = n - L; i <= end; i += L) {
            FloatVector v = FloatVector.fromArray(F, y, yo + i);
            if (r != null) v = v.add(FloatVector.fromArray(F, r, ro + i));
            v.max(vlo).min(vhi).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] = Math.min(Math.max(r == null ? y[yo + i] : y[yo + i] + r[ro + i], lo), hi);
    }
}

package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.simdnn.ops.ConformanceSupport.SIZES;
import static org.simdnn.ops.ConformanceSupport.near;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Tensor;

/**
 * Element-wise arithmetic, bias add, row sums and reductions of {@link Backend} against the scalar references ({@link ReferenceOps}, double):
 * JUnit 5 default test methods, mixed into {@link BackendConformanceTest} so every backend runs them. Shared
 * helpers and sizes: {@link ConformanceSupport}.
 *
 * <p>Tolerances: one rounding per element (add, mul, scale exact; axpy 1e-6); sums over n terms 1e-5 relative,
 * as float partials are added in double.
 */
public interface EltwiseConformance {
    Backend backend();

    @Test
    default void elementwiseMatchReference() {
        for (int n : SIZES) {
            float[] a = Check.random(111 + n, n), b = Check.random(112 + n, n), o = new float[n];
            a[0] = Float.NaN;
            if (n > 3) b[3] = Float.POSITIVE_INFINITY;
            double[] e = new double[n];
            backend().add(Tensor.wrap(a, n), Tensor.wrap(b, n), Tensor.wrap(o, n));
            for (int i = 0; i < n; i++) e[i] = (float) (a[i] + (double) b[i]);
            near("add n=" + n, e, o, 0);
            backend().mul(Tensor.wrap(a, n), Tensor.wrap(b, n), Tensor.wrap(o, n));
            for (int i = 0; i < n; i++) e[i] = (float) ((double) a[i] * b[i]);
            near("mul n=" + n, e, o, 0);
            backend().scale(-2.5f, Tensor.wrap(a, n), Tensor.wrap(o, n));
            for (int i = 0; i < n; i++) e[i] = -2.5 * a[i];
            near("scale n=" + n, e, o, 0);
            float[] y = b.clone();
            backend().axpy(0.3f, Tensor.wrap(a, n), Tensor.wrap(y, n));
            for (int i = 0; i < n; i++) e[i] = b[i] + 0.3f * (double) a[i];
            near("axpy n=" + n, e, y, 1e-6);
            for (int i = 0; i < n; i++) e[i] = (float) (a[i] + (double) b[i]);
            backend().add(Tensor.wrap(a, n), Tensor.wrap(b, n), Tensor.wrap(a, n)); // in place: out aliases a
            near("add in place n=" + n, e, a, 0);
        }
    }

    @ParameterizedTest(name = "biasAdd/sumRows rows={0} c={1}")
    @CsvSource({"1,1", "3,7", "5,17", "2,207", "1000,16", "3000,33"})
    default void biasAddAndSumRowsMatchReference(int rows, int c) {
        float[] y = Check.random(121, rows * c), bias = Check.random(122, c);
        double[] e = new double[rows * c];
        for (int i = 0; i < e.length; i++) e[i] = (float) (y[i] + (double) bias[i % c]);
        backend().biasAdd(Tensor.wrap(bias, c), Tensor.wrap(y, rows, c));
        near("biasAdd", e, y, 0);
        double[] s = new double[c];
        for (int i = 0; i < e.length; i++) s[i % c] += y[i];
        float[] out = new float[c];
        Arrays.fill(out, Float.NaN);
        backend().sumRows(Tensor.wrap(y, rows, c), Tensor.wrap(out, c), 0f);
        near("sumRows beta=0 ignores NaN in out", s, out, 1e-5 * Math.sqrt(rows));
        float[] acc = Check.random(123, c);
        double[] s2 = new double[c];
        for (int j = 0; j < c; j++) s2[j] = s[j] + acc[j];
        backend().sumRows(Tensor.wrap(y, rows, c), Tensor.wrap(acc, c), 1f);
        near("sumRows beta=1", s2, acc, 1e-5 * Math.sqrt(rows));
    }

    @Test
    default void reductionsMatchReference() {
        for (int n : new int[] {1, 7, 17, 207, 1000, 1025, 70001, 300001}) {
            float[] x = Check.random(131 + n, n);
            double s = 0, q = 0, abs = 0;
            for (float v : x) {
                s += v;
                q += (double) v * v;
                abs += Math.abs(v);
            }
            assertEquals(s, backend().sum(Tensor.wrap(x, n)), 1e-6 * abs + 1e-12, "sum n=" + n);
            assertEquals(q, backend().sumSquares(Tensor.wrap(x, n)), 1e-6 * q + 1e-12, "sumSquares n=" + n);
        }
        float[] x = Check.random(140, 100);
        x[50] = Float.NaN;
        assertTrue(Double.isNaN(backend().sum(Tensor.wrap(x, 100))));
        x[50] = Float.POSITIVE_INFINITY;
        assertEquals(Double.POSITIVE_INFINITY, backend().sumSquares(Tensor.wrap(x, 100)));
    }

    @Test
    default void elementwiseRejectBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> backend().add(Tensor.zeros(3), Tensor.zeros(4), Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> backend().mul(Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> backend().axpy(1, Tensor.zeros(3), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> backend().scale(1, Tensor.zeros(3), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> backend().biasAdd(Tensor.zeros(4), Tensor.zeros(3, 5)));
        assertThrows(IllegalArgumentException.class, () -> backend().sumRows(Tensor.zeros(3, 5), Tensor.zeros(4), 0));
        Tensor strided = Tensor.zeros(4, 4).transpose(0, 1);
        assertThrows(IllegalArgumentException.class, () -> backend().add(strided, strided, Tensor.zeros(4, 4)));
    }

    @Test
    default void parallelReductionsRepeatBitForBit() {
        int rows = 8192, c = 32, n = rows * c; // above the parallel threshold
        float[] x = Check.random(171, n);
        Tensor xt = Tensor.wrap(x, rows, c);
        double s = backend().sum(xt), q = backend().sumSquares(xt);
        BatchNormDesc bn = new BatchNormDesc(rows, c, 1e-5f, 0.1f, true);
        float[][] outs = new float[2][];
        for (int run = 0; run < 3; run++) {
            assertEquals(s, backend().sum(xt), 0.0, "sum must repeat exactly");
            assertEquals(q, backend().sumSquares(xt), 0.0, "sumSquares must repeat exactly");
            float[] y = new float[n], sm = new float[c], si = new float[c], dx = new float[n], dg = new float[c];
            Tensor g = Tensor.wrap(Check.random(172, c), c), b = Tensor.wrap(Check.random(173, c), c);
            backend().batchNormForwardTraining(bn, xt, g, b, Tensor.zeros(c), Tensor.zeros(c), Tensor.wrap(y, rows, c),
                    Tensor.wrap(sm, c), Tensor.wrap(si, c));
            backend().batchNormBackward(bn, xt, Tensor.wrap(y, rows, c), Tensor.wrap(Check.random(174, n), rows, c), g,
                    Tensor.wrap(sm, c), Tensor.wrap(si, c), Tensor.wrap(dx, rows, c), Tensor.wrap(dg, c), Tensor.zeros(c));
            float[] all = new float[2 * n + 3 * c];
            System.arraycopy(y, 0, all, 0, n);
            System.arraycopy(dx, 0, all, n, n);
            System.arraycopy(sm, 0, all, 2 * n, c);
            System.arraycopy(si, 0, all, 2 * n + c, c);
            System.arraycopy(dg, 0, all, 2 * n + 2 * c, c);
            if (run == 0) outs[0] = all;
            else assertArrayEquals(outs[0], all, "batch norm must repeat bit for bit, run " + run);
        }
    }
}

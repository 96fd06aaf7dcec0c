package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.simdnn.reference.ReferenceOps.d;
import static org.simdnn.reference.ReferenceOps.f;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.simdnn.reference.Check;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/** What the op-family conformance suites share: comparison with the reference, finite differences, shapes. */
final class ConformanceSupport {
    private ConformanceSupport() {}

    static void near(String what, double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        Check.close(what, f(expected), actual, 0, actual.length, 1, actual.length, null, tol);
    }

    static void near(String what, float[] expected, float[] actual, double tol) {
        near(what, d(expected), actual, tol);
    }

    /** Central difference of loss at x (in place, restored), step h, for every element. */
    static double[] numericGrad(ToDoubleFunction<double[]> loss, double[] x, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = loss.applyAsDouble(x);
            x[i] = keep - h;
            double down = loss.applyAsDouble(x);
            x[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static Tensor nhwc(float[] data, int[] shape) { return Tensor.wrap(data, 0, Layout.NHWC, shape); }

    static int size(int[] shape) {
        int s = 1;
        for (int v : shape) s *= v;
        return s;
    }

    static Pool2dDesc pool(String s) {
        int[] v = Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt).toArray();
        return new Pool2dDesc(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
    }

    /** Sizes that hit every vector tail and the parallel path. */
    static final int[] SIZES = {1, 7, 16, 17, 207, 1000, 70001};
}

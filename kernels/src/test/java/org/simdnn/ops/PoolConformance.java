package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.simdnn.ops.ConformanceSupport.dot;
import static org.simdnn.ops.ConformanceSupport.near;
import static org.simdnn.ops.ConformanceSupport.nhwc;
import static org.simdnn.ops.ConformanceSupport.numericGrad;
import static org.simdnn.ops.ConformanceSupport.pool;
import static org.simdnn.ops.ConformanceSupport.size;
import static org.simdnn.reference.ReferenceOps.d;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Pooling (max, average, global average) of {@link Backend} against the scalar references ({@link ReferenceOps}, double):
 * JUnit 5 default test methods, mixed into {@link BackendConformanceTest} so every backend runs them. Shared
 * helpers and sizes: {@link ConformanceSupport}.
 *
 * <p>Tolerances: max pooling exact (0); averages 1e-5 relative (float partials added in double); finite
 * differences 2e-3 (float backward against a double derivative).
 */
public interface PoolConformance {
    Backend backend();

    /** batch inH inW c kH kW sH sW padTop padLeft padBottom padRight. */
    @ParameterizedTest(name = "maxpool {0}")
    @ValueSource(strings = {"1 1 1 7 1 1 1 1 0 0 0 0", "2 7 7 17 3 3 2 2 1 1 1 1", "3 8 8 32 2 2 2 2 0 0 0 0",
            "1 5 6 33 3 2 1 3 1 0 2 1", "2 9 9 1 2 2 3 3 0 0 0 0", "1 4 4 207 3 3 1 1 1 1 1 1",
            "2 5 7 19 5 7 1 1 0 0 0 0", "16 28 28 32 2 2 2 2 0 0 0 0", "2 7 9 19 2 2 2 2 0 0 0 0",
            "3 5 5 48 2 2 2 2 0 0 0 0", "1 2 2 1 2 2 2 2 0 0 0 0"})
    default void maxPoolMatchesReference(String shape) {
        Pool2dDesc p = pool(shape);
        float[] x = Check.random(11, size(p.inputShape()));
        int n = size(p.outputShape());
        int[] argRef = new int[n], arg = new int[n];
        double[] yRef = ReferenceOps.maxPool(p, d(x), argRef);
        float[] y = new float[n];
        Arrays.fill(y, Float.NaN);
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()), arg);
        near("maxpool " + shape, yRef, y, 0);
        assertArrayEquals(argRef, arg, "maxpool argmax " + shape);
        float[] values = new float[n];
        Arrays.fill(values, Float.NaN);
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(values, p.outputShape()), null);
        near("maxpool without argmax " + shape, yRef, values, 0);

        float[] dy = Check.random(12, n);
        double[] dxRef = new double[x.length];
        for (int i = 0; i < n; i++) dxRef[argRef[i]] += dy[i];
        float[] dx = Check.random(13, x.length); // garbage: backward must zero it
        backend().maxPool2dBackward(p, nhwc(dy, p.outputShape()), arg, nhwc(dx, p.inputShape()));
        near("maxpool backward " + shape, dxRef, dx, 1e-6);
        if (x.length <= 2000) {
            double[] num = numericGrad(v -> dot(ReferenceOps.maxPool(p, v, null), d(dy)), d(x), 1e-9);
            near("maxpool backward finite differences " + shape, num, dx, 2e-3);
        }
    }

    @ParameterizedTest(name = "avgpool {0}")
    @ValueSource(strings = {"1 1 1 7 1 1 1 1 0 0 0 0", "2 7 7 17 3 3 2 2 1 1 1 1", "3 8 8 32 2 2 2 2 0 0 0 0",
            "1 5 6 33 3 2 1 3 1 0 2 1", "2 9 9 1 2 2 3 3 0 0 0 0", "1 4 4 207 3 3 1 1 1 1 1 1",
            "2 5 7 19 5 7 1 1 0 0 0 0", "16 28 28 32 2 2 2 2 0 0 0 0"})
    default void avgPoolMatchesReference(String shape) {
        Pool2dDesc p = pool(shape);
        float[] x = Check.random(21, size(p.inputShape()));
        int n = size(p.outputShape());
        float[] y = new float[n];
        backend().avgPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()));
        near("avgpool " + shape, ReferenceOps.avgPool(p, d(x)), y, 1e-5);
        float[] dy = Check.random(22, n);
        float[] dx = Check.random(23, x.length);
        backend().avgPool2dBackward(p, nhwc(dy, p.outputShape()), nhwc(dx, p.inputShape()));
        if (x.length <= 4000) {
            double[] num = numericGrad(v -> dot(ReferenceOps.avgPool(p, v), d(dy)), d(x), 1e-3);
            near("avgpool backward finite differences " + shape, num, dx, 2e-3);
        } else {
            // linear op: <dy, pool(x)> = <dx, x> must hold for the adjoint
            double lhs = dot(d(dy), ReferenceOps.avgPool(p, d(x))), rhs = dot(d(dx), d(x));
            assertEquals(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)), "avgpool backward adjoint " + shape);
        }
    }

    @Test
    default void globalAvgPoolMatchesReference() {
        Pool2dDesc p = Pool2dDesc.global(3, 7, 5, 37);
        assertEquals(1, p.outH());
        float[] x = Check.random(31, size(p.inputShape()));
        float[] y = new float[3 * 37];
        backend().avgPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()));
        near("global avgpool", ReferenceOps.avgPool(p, d(x)), y, 1e-5);
    }

    /** Ties (values drawn from {0, 1, 2}) keep the first maximum in window order, like the reference. */
    @ParameterizedTest(name = "maxpool ties {0}")
    @ValueSource(strings = {"2 6 7 33 2 2 2 2 0 0 0 0", "1 6 6 17 3 3 1 1 1 1 1 1"})
    default void maxPoolTiesKeepFirst(String shape) {
        Pool2dDesc p = pool(shape);
        float[] x = Check.random(14, size(p.inputShape()));
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.floor((x[i] + 1f) * 1.5f); // 0, 1 or 2
        int n = size(p.outputShape());
        int[] argRef = new int[n], arg = new int[n];
        double[] yRef = ReferenceOps.maxPool(p, d(x), argRef);
        float[] y = new float[n];
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()), arg);
        near("maxpool ties " + shape, yRef, y, 0);
        assertArrayEquals(argRef, arg, "maxpool ties argmax " + shape);
    }

    @Test
    default void poolingPropagatesNaN() {
        Pool2dDesc p = new Pool2dDesc(1, 4, 4, 17, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] x = Check.random(32, 4 * 4 * 17);
        x[(1 * 4 + 1) * 17 + 3] = Float.NaN;        // window (0,0), channel 3, not first in window
        x[(2 * 4 + 2) * 17 + 16] = Float.POSITIVE_INFINITY;
        x[(3 * 4 + 0) * 17 + 5] = Float.NEGATIVE_INFINITY;
        int[] argRef = new int[2 * 2 * 17], arg = new int[argRef.length];
        float[] y = new float[argRef.length];
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()), arg);
        near("maxpool NaN", ReferenceOps.maxPool(p, d(x), argRef), y, 0);
        assertTrue(Float.isNaN(y[3]), "NaN must win its window");
        assertArrayEquals(argRef, arg);
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()), null);
        near("maxpool NaN without argmax", ReferenceOps.maxPool(p, d(x), null), y, 0);
        assertTrue(Float.isNaN(y[3]), "NaN must win its window without argmax too");
        backend().avgPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()));
        near("avgpool NaN", ReferenceOps.avgPool(p, d(x)), y, 1e-6);
    }

    @Test
    default void poolingRejectsBadShapes() {
        Pool2dDesc p = Pool2dDesc.of(2, 4, 4, 3, 2);
        Tensor x = Tensor.zeros(Layout.NHWC, 2, 4, 4, 3), y = Tensor.zeros(Layout.NHWC, 2, 2, 2, 3);
        Tensor badY = Tensor.zeros(Layout.NHWC, 2, 2, 2, 4), badX = Tensor.zeros(Layout.NHWC, 1, 4, 4, 3);
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dForward(p, x, badY, new int[24]));
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dForward(p, badX, y, new int[24]));
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dForward(p, x, y, new int[23]));
        assertThrows(IllegalArgumentException.class, () -> backend().avgPool2dForward(p, x, badY));
        assertThrows(IllegalArgumentException.class, () -> backend().avgPool2dBackward(p, y, badX));
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dBackward(p, badY, new int[24], x));
        int[] wrongImage = new int[24];
        wrongImage[3] = 48 + 5; // output of image 0 pointing into image 1
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dBackward(p, y, wrongImage, x));
        assertThrows(IllegalArgumentException.class, () -> new Pool2dDesc(1, 4, 4, 3, 2, 2, 2, 2, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pool2dDesc(1, 2, 2, 3, 5, 5, 1, 1, 1, 1, 1, 1));
    }
}

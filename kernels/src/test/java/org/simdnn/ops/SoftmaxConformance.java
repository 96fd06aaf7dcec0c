package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.simdnn.ops.ConformanceSupport.near;
import static org.simdnn.ops.ConformanceSupport.numericGrad;
import static org.simdnn.reference.ReferenceOps.d;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Tensor;

/**
 * Softmax, log-softmax and softmax cross-entropy of {@link Backend} against the scalar references ({@link ReferenceOps}, double):
 * JUnit 5 default test methods, mixed into {@link BackendConformanceTest} so every backend runs them. Shared
 * helpers and sizes: {@link ConformanceSupport}.
 *
 * <p>Tolerances: 4e-6 relative (the vectorised exp is within ~2 ulp); finite differences 2e-3 (float backward
 * against a double derivative).
 */
public interface SoftmaxConformance {
    Backend backend();

    @ParameterizedTest(name = "softmax rows={0} k={1}")
    @CsvSource({"1,1", "3,7", "5,17", "2,207", "4,1000", "128,10", "100,1000"})
    default void softmaxAndLogSoftmaxMatchReference(int rows, int k) {
        float[] x = Check.random(91, rows * k);
        for (int i = 0; i < x.length; i++) x[i] *= 10;
        float[] y = new float[x.length];
        backend().softmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("softmax", ReferenceOps.softmax(k, d(x), false), y, 4e-6);
        backend().logSoftmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("logSoftmax", ReferenceOps.softmax(k, d(x), true), y, 4e-6);
    }

    @Test
    default void softmaxPropagatesNaNPerRowAndHandlesHugeLogits() {
        int rows = 3, k = 37;
        float[] x = Check.random(92, rows * k);
        x[k + 20] = Float.NaN;
        x[2 * k + 3] = 1000f;
        x[2 * k + 4] = -1000f;
        float[] y = new float[x.length];
        backend().softmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("softmax NaN/huge", ReferenceOps.softmax(k, d(x), false), y, 4e-6);
        for (int j = 0; j < k; j++) assertTrue(Float.isNaN(y[k + j]), "row with NaN must be NaN");
        backend().logSoftmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("logSoftmax NaN/huge", ReferenceOps.softmax(k, d(x), true), y, 4e-6);
    }

    @ParameterizedTest(name = "cross-entropy rows={0} k={1} smoothing={2}")
    @CsvSource({"1,1,0", "1,2,0.1", "4,10,0", "4,10,0.1", "3,17,0.2", "2,207,0.05", "128,10,0.1", "70,1000,0"})
    default void softmaxCrossEntropyMatchesReferenceAndFiniteDifferences(int rows, int k, float eps) {
        float[] x = Check.random(93, rows * k);
        for (int i = 0; i < x.length; i++) x[i] *= 5;
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = (r * 7 + 3) % k;
        float[] g = new float[x.length];
        float loss = backend().softmaxCrossEntropy(Tensor.wrap(x, rows, k), labels, eps, Tensor.wrap(g, rows, k));
        double[] gRef = new double[x.length];
        double lossRef = ReferenceOps.softmaxCrossEntropy(k, d(x), labels, eps, gRef);
        assertEquals(lossRef, loss, 1e-5 * Math.max(1, Math.abs(lossRef)), "cross-entropy loss");
        near("cross-entropy grad", gRef, g, 1e-6);
        assertEquals(loss, backend().softmaxCrossEntropy(Tensor.wrap(x, rows, k), labels, eps, null), 0f,
                "loss without gradient");
        if (x.length <= 2000) {
            double[] num = numericGrad(v -> ReferenceOps.softmaxCrossEntropy(k, v, labels, eps, null), d(x), 1e-6);
            near("cross-entropy finite differences", num, g, 2e-3);
        }
    }

    @Test
    default void softmaxCrossEntropyStaysFiniteOnHugeLogits() {
        int rows = 4, k = 10;
        float[] x = new float[rows * k];
        for (int i = 0; i < x.length; i++) x[i] = (i % 3 == 0 ? 1000f : -1000f) + i;
        int[] labels = {0, 1, 5, 9};
        float[] g = new float[x.length];
        float loss = backend().softmaxCrossEntropy(Tensor.wrap(x, rows, k), labels, 0.1f, Tensor.wrap(g, rows, k));
        assertTrue(Float.isFinite(loss), "loss on ±1000 logits must be finite, got " + loss);
        for (float v : g) assertTrue(Float.isFinite(v), "gradient must be finite");
        double[] gRef = new double[x.length];
        double lossRef = ReferenceOps.softmaxCrossEntropy(k, d(x), labels, 0.1, gRef);
        assertEquals(lossRef, loss, 1e-5 * Math.abs(lossRef));
        near("cross-entropy grad on huge logits", gRef, g, 1e-6);
    }

    @Test
    default void softmaxCrossEntropyRejectsBadLabelsAndShapes() {
        Tensor x = Tensor.zeros(3, 5);
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, 5, 1}, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, -1, 1}, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, 1}, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, 1, 2}, 1.5f, null));
        assertThrows(IllegalArgumentException.class,
                () -> backend().softmaxCrossEntropy(x, new int[] {0, 1, 2}, 0, Tensor.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> backend().softmax(x, Tensor.zeros(5, 3)));
    }
}

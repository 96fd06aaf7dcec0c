package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.simdnn.ops.ConformanceSupport.SIZES;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Tensor;

/**
 * Dropout of {@link Backend} against the scalar references ({@link ReferenceOps}, double):
 * JUnit 5 default test methods, mixed into {@link BackendConformanceTest} so every backend runs them. Shared
 * helpers and sizes: {@link ConformanceSupport}.
 *
 * <p>Tolerances: exact (0): the mask is the documented hash, bit for bit.
 */
public interface DropoutConformance {
    Backend backend();

    @Test
    default void dropoutMaskIsTheDocumentedHashAndReproducible() {
        for (int n : SIZES) {
            for (float p : new float[] {0f, 0.25f, 0.5f, 1f}) {
                float[] x = Check.random(101 + n, n), y = new float[n], mask = new float[n];
                backend().dropoutForward(p, 42L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(mask, n));
                float[] maskRef = new float[n], yRef = new float[n];
                for (int i = 0; i < n; i++) {
                    maskRef[i] = ReferenceOps.dropoutMask(p, 42L, i);
                    yRef[i] = x[i] * maskRef[i];
                }
                assertArrayEquals(maskRef, mask, "dropout mask n=" + n + " p=" + p);
                assertArrayEquals(yRef, y, "dropout y n=" + n + " p=" + p);
                float[] dy = Check.random(102, n), dx = new float[n];
                backend().dropoutBackward(Tensor.wrap(dy, n), Tensor.wrap(mask, n), Tensor.wrap(dx, n));
                for (int i = 0; i < n; i++) assertEquals(dy[i] * mask[i], dx[i], 0f, "dropout backward");
            }
        }
    }

    @Test
    default void dropoutKeepsTheRightFractionIndependentOfThreads() {
        int n = 1 << 20;
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        float[] m1 = new float[n], m2 = new float[n], m3 = new float[n], y = new float[n];
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            backend().dropoutForward(0.25f, 7L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(m1, n));
            Parallel.setThreads(3);
            backend().dropoutForward(0.25f, 7L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(m2, n));
        } finally {
            Parallel.setThreads(threads);
        }
        assertArrayEquals(m1, m2, "mask must not depend on the thread count");
        backend().dropoutForward(0.25f, 8L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(m3, n));
        assertNotEquals(Arrays.hashCode(m1), Arrays.hashCode(m3), "another seed must give another mask");
        long kept = 0;
        double sum = 0;
        for (float v : m1) {
            if (v != 0) kept++;
            sum += v;
        }
        double frac = kept / (double) n;
        assertEquals(0.75, frac, 5 * Math.sqrt(0.25 * 0.75 / n), "keep fraction");
        assertEquals(1.0, sum / n, 0.01, "inverted dropout keeps the mean");
        assertThrows(IllegalArgumentException.class,
                () -> backend().dropoutForward(1.5f, 1, Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class,
                () -> backend().dropoutForward(0.5f, 1, Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(4)));
    }
}

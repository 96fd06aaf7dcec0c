package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.reference.Check;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Misuse that BLAS leaves undefined and that used to give silently wrong answers: an output that shares
 * elements with an input. Every backend must refuse it before any work, naming both operands and their
 * ranges, and leave the array untouched. Mixed into {@link BackendConformanceTest}.
 */
public interface MisuseConformance {
    Backend backend();

    /**
     * The eight aliasing cases (C over A or B, each transposed or not): C starts inside the input's range
     * of one shared array. Before the check, 64x64x64 gave about 1,900 wrong elements of 4,096.
     */
    @ParameterizedTest(name = "sgemm C over {0} tA={1} tB={2}")
    @CsvSource({"A,false,false", "A,true,false", "A,false,true", "A,true,true",
                "B,false,false", "B,true,false", "B,false,true", "B,true,true"})
    default void sgemmRefusesOutputOverlappingAnInput(String over, boolean tA, boolean tB) {
        int m = 64, n = 64, k = 64;
        float[] shared = Check.random(7, 3 * 64 * 64);
        float[] other = Check.random(8, 64 * 64);
        float[] before = shared.clone();
        boolean onA = over.equals("A");
        float[] a = onA ? shared : other, b = onA ? other : shared;
        // C starts 100 elements into the input: partial overlap, the hardest case for a blocked kernel.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend().sgemm(tA, tB, m, n, k, 1f, a, 0, 64, b, 0, 64, 0f, shared, 100, 64));
        assertTrue(e.getMessage().contains("overlaps input " + over) && e.getMessage().contains("[100, "),
                e.getMessage());
        assertArrayEquals(before, shared, "the array must be untouched");
    }

    /** Interleaved operands in one array share no element and stay legal: A in columns 0..7, C in 8..15. */
    @ParameterizedTest(name = "sgemm interleaved A and C, tA={0}")
    @ValueSource(booleans = {false, true})
    default void sgemmAcceptsInterleavedOperandsOfOneArray(boolean tA) {
        int m = 8, n = 8, k = 8, ld = 16;
        float[] buf = Check.random(9, 8 * ld);
        float[] b = Check.random(10, 8 * 8);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) buf[tA ? p * ld + i : i * ld + p] * b[p * n + j];
                expected[i * n + j] = (float) s;
            }
        }
        backend().sgemm(tA, false, m, n, k, 1f, buf, 0, ld, b, 0, n, 0f, buf, 8, ld);
        float[] got = new float[m * n];
        for (int i = 0; i < m; i++) System.arraycopy(buf, i * ld + 8, got, i * n, n);
        Check.close(backend().name() + " interleaved sgemm", expected, got, 0, n, m, n, null, 1e-5);
    }

    @ParameterizedTest(name = "conv2d {0} output overlapping its input")
    @ValueSource(strings = {"forward", "backwardData", "backwardWeights"})
    default void convRefusesOutputOverlappingAnInput(String pass) {
        Conv2dDesc d = Conv2dDesc.of(2, 6, 6, 4, 4, 3, 1, 1);
        int in = 2 * 6 * 6 * 4, w = 3 * 3 * 4 * 4;
        float[] buf = Check.random(11, in + w);
        float[] before = buf.clone();
        Tensor x = Tensor.wrap(buf, 0, Layout.NHWC, d.inputShape());
        Tensor wt = Tensor.wrap(buf, in, Layout.ROW_MAJOR, d.weightShape());
        // Output y (same shape as x here) is x itself: the in-place convolution a careless caller might try.
        Tensor y = Tensor.wrap(buf, 0, Layout.NHWC, d.outputShape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            switch (pass) {
                case "forward" -> backend().conv2dForward(d, x, wt, null, y);
                case "backwardData" -> backend().conv2dBackwardData(d, y, wt, x);
                default -> backend().conv2dBackwardWeights(d, x, Tensor.zeros(Layout.NHWC, d.outputShape()),
                        Tensor.wrap(buf, in - 8, Layout.ROW_MAJOR, d.weightShape()), null);
            }
        });
        assertTrue(e.getMessage().contains("overlaps input"), e.getMessage());
        assertArrayEquals(before, buf, "the array must be untouched");
    }
}

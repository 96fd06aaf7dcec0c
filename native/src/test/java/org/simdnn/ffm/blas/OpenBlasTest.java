package org.simdnn.ffm.blas;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.ops.Availability;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;

/** The bridge itself: loading, core type, threads, quick returns, sgemv, and validation before any downcall. */
class OpenBlasTest {

    @BeforeAll
    static void requireLibrary() {
        Availability a = OpenBlas.availability();
        assumeTrue(a.available(), () -> "OpenBLAS cannot load here: " + a.reason());
        assertTrue(Boolean.getBoolean("simdnn.openblas.countCalls"), "surefire must set simdnn.openblas.countCalls");
    }

    @Test
    void reportsCoreTypeAndConfig() {
        String core = OpenBlas.coreName();
        assertFalse(core.isBlank(), "core name");
        String forced = System.getenv("OPENBLAS_CORETYPE");
        if (forced != null && !forced.isBlank()) assertEquals(forced.toLowerCase(), core.toLowerCase(), "OPENBLAS_CORETYPE is honoured");
        assertTrue(OpenBlas.config().contains("OpenBLAS"), OpenBlas.config());
        assertTrue(OpenBlas.availability().reason().contains(core), OpenBlas.availability().reason());
    }

    @Test
    void threadCountRoundTripsThroughTheSameHandle() {
        int before = OpenBlas.threads();
        try {
            OpenBlas.setThreads(1);
            assertEquals(1, OpenBlas.threads());
            OpenBlas.setThreads(2);
            assertEquals(2, OpenBlas.threads());
            // a call still computes correctly after the change
            float[] a = Check.random(1, 64 * 64), b = Check.random(2, 64 * 64), c = new float[64 * 64], e = new float[64 * 64];
            OpenBlas.sgemm(false, false, 64, 64, 64, 1f, a, 0, 64, b, 0, 64, 0f, c, 0, 64);
            Reference.sgemm(false, false, 64, 64, 64, 1f, a, 0, 64, b, 0, 64, 0f, e, 0, 64);
            Check.close("sgemm after setThreads", e, c, 0, 64, 64, 64, null, 1e-4);
        } finally {
            OpenBlas.setThreads(before);
        }
        assertEquals(before, OpenBlas.threads());
        assertThrows(IllegalArgumentException.class, () -> OpenBlas.setThreads(0));
    }

    @Test
    void goodCallIsCountedSoTheNoDowncallChecksCanFail() {
        long before = OpenBlas.DOWNCALLS.get();
        float[] a = new float[4], b = new float[4], c = new float[4];
        OpenBlas.sgemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertEquals(before + 1, OpenBlas.DOWNCALLS.get());
    }

    static Stream<Arguments> badSgemm() {
        float[] s = new float[12];
        List<Object[]> calls = List.of(
                new Object[] {"negative m", (Runnable) () -> OpenBlas.sgemm(false, false, -1, 3, 3, 1, s, 0, 3, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"negative n", (Runnable) () -> OpenBlas.sgemm(false, false, 3, -1, 3, 1, s, 0, 3, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"negative k", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, -1, 1, s, 0, 3, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"lda < k", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, 3, 1, s, 0, 2, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"lda < m (A^T)", (Runnable) () -> OpenBlas.sgemm(true, false, 3, 3, 2, 1, s, 0, 2, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"ldb < n", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, 3, 1, s, 0, 3, s, 0, 2, 0, s, 0, 3)},
                new Object[] {"ldc < n", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, 3, 1, s, 0, 3, s, 0, 3, 0, s, 0, 2)},
                new Object[] {"A too short", (Runnable) () -> OpenBlas.sgemm(false, false, 5, 3, 3, 1, s, 0, 3, s, 0, 3, 0, new float[15], 0, 3)},
                new Object[] {"B too short", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, 5, 1, new float[15], 0, 5, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"C too short", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 4, 3, 1, s, 0, 3, s, 0, 4, 0, s, 0, 5)},
                new Object[] {"offA past end", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, 3, 1, s, 4, 3, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"offB negative", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, 3, 1, s, 0, 3, s, -1, 3, 0, s, 0, 3)},
                new Object[] {"offC past end", (Runnable) () -> OpenBlas.sgemm(false, false, 3, 3, 3, 1, s, 0, 3, s, 0, 3, 0, s, 10, 3)},
                new Object[] {"huge m overflows", (Runnable) () -> OpenBlas.sgemm(false, false, Integer.MAX_VALUE, 3, 3, 1, s, 0, 3, s, 0, 3, 0, s, 0, 3)},
                new Object[] {"null C", (Runnable) () -> OpenBlas.sgemm(false, false, 1, 1, 1, 1, s, 0, 1, s, 0, 1, 0, null, 0, 1)},
                new Object[] {"sgemv lda < n", (Runnable) () -> OpenBlas.sgemv(false, 3, 3, 1, s, 0, 2, s, 0, 1, 0, s, 0, 1)},
                new Object[] {"sgemv x too short", (Runnable) () -> OpenBlas.sgemv(false, 3, 4, 1, s, 0, 4, s, 9, 1, 0, s, 0, 1)},
                new Object[] {"sgemv y too short (stride)", (Runnable) () -> OpenBlas.sgemv(false, 3, 3, 1, s, 0, 3, s, 0, 1, 0, s, 0, 6)},
                new Object[] {"sgemv A^T y too short", (Runnable) () -> OpenBlas.sgemv(true, 2, 6, 1, s, 0, 6, s, 0, 1, 0, new float[5], 0, 1)},
                new Object[] {"sgemv incX zero", (Runnable) () -> OpenBlas.sgemv(false, 2, 2, 1, s, 0, 2, s, 0, 0, 0, s, 0, 1)},
                new Object[] {"sgemv negative inc too long", (Runnable) () -> OpenBlas.sgemv(false, 3, 3, 1, s, 0, 3, s, 0, -6, 0, s, 0, 1)},
                new Object[] {"sgemv negative m", (Runnable) () -> OpenBlas.sgemv(false, -3, 3, 1, s, 0, 3, s, 0, 1, 0, s, 0, 1)},
                new Object[] {"sgemv negative offY", (Runnable) () -> OpenBlas.sgemv(false, 3, 3, 1, s, 0, 3, s, 0, 1, 0, s, -1, 1)});
        return calls.stream().map(o -> Arguments.of(o[0], o[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSgemm")
    void badArgumentsThrowBeforeAnyDowncall(String what, Runnable call) {
        long before = OpenBlas.DOWNCALLS.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run, what);
        assertFalse(e.getMessage().isBlank());
        assertEquals(before, OpenBlas.DOWNCALLS.get(), what + " reached native code");
    }

    @Test
    void zeroSizesReturnWithoutADowncall() {
        long before = OpenBlas.DOWNCALLS.get();
        float[] a = Check.random(3, 20), b = Check.random(4, 20);
        float[] c = Check.random(5, 20), c0 = c.clone();
        OpenBlas.sgemm(false, false, 0, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4);
        OpenBlas.sgemm(false, false, 4, 0, 4, 1f, a, 0, 4, b, 0, 1, 0f, c, 0, 1);
        assertArrayEquals(c0, c, "m == 0 / n == 0 leave C alone");
        OpenBlas.sgemm(false, false, 4, 4, 0, 1f, a, 0, 1, b, 0, 4, 2f, c, 0, 4);
        for (int i = 0; i < 16; i++) assertEquals(2f * c0[i], c[i], "k == 0: C = beta * C");
        assertEquals(c0[16], c[16], "outside C untouched");
        Arrays.fill(c, Float.NaN);
        OpenBlas.sgemm(false, false, 4, 4, 0, 1f, a, 0, 1, b, 0, 4, 0f, c, 0, 4);
        for (int i = 0; i < 16; i++) assertEquals(0f, c[i], "k == 0, beta == 0: C = 0 even over NaN");
        float[] y = c0.clone();
        OpenBlas.sgemv(false, 0, 5, 1f, a, 0, 5, b, 0, 1, 0f, y, 0, 1);
        assertArrayEquals(c0, y);
        assertEquals(before, OpenBlas.DOWNCALLS.get());
    }

    @Test
    void betaZeroOverwritesNaNInC() {
        int m = 17, n = 23, k = 9;
        float[] a = Check.random(6, m * k), b = Check.random(7, k * n), c = new float[m * n], e = new float[m * n];
        Arrays.fill(c, Float.NaN);
        OpenBlas.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        Reference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, e, 0, n);
        for (float v : c) assertFalse(Float.isNaN(v), "beta == 0 must not read C");
        Check.close("beta=0 over NaN", e, c, 0, n, m, n, null, 1e-5);
    }

    @ParameterizedTest(name = "sgemv trans={0} m={1} n={2} incX={3} incY={4} beta={5}")
    @org.junit.jupiter.params.provider.CsvSource({"false,7,5,1,1,0", "true,7,5,1,1,0", "false,33,17,2,3,1.5",
            "true,1,300,-1,2,-1", "false,207,1,3,-2,0", "true,64,64,-3,-1,0.5"})
    void sgemvMatchesScalarLoop(boolean trans, int m, int n, int incX, int incY, float beta) {
        int lda = n + 3, offA = 2, offX = 1, offY = 4;
        int lenX = trans ? m : n, lenY = trans ? n : m;
        float[] a = Check.random(8, offA + m * lda);
        float[] x = Check.random(9, offX + (lenX - 1) * Math.abs(incX) + 1);
        float[] y = Check.random(10, offY + (lenY - 1) * Math.abs(incY) + 1 + 3);
        if (beta == 0f) for (int i = 0; i < lenY; i++) y[offY + i * Math.abs(incY)] = Float.NaN;
        float[] expected = y.clone();
        float alpha = 0.75f;
        for (int i = 0; i < lenY; i++) {
            double acc = 0;
            for (int j = 0; j < lenX; j++) {
                float av = trans ? a[offA + j * lda + i] : a[offA + i * lda + j];
                acc += av * (double) x[offX + element(j, lenX, incX)];
            }
            int yi = offY + element(i, lenY, incY);
            expected[yi] = (float) (alpha * acc + (beta == 0f ? 0 : beta * (double) y[yi]));
        }
        OpenBlas.sgemv(trans, m, n, alpha, a, offA, lda, x, offX, incX, beta, y, offY, incY);
        for (int i = 0; i < y.length; i++) {
            double tol = 1e-5 * Math.max(1, lenX) * 2;
            assertEquals(expected[i], y[i], tol, "sgemv element " + i);
        }
    }

    /** BLAS order: with a negative increment, element 0 is the last one stored. */
    private static int element(int i, int len, int inc) {
        return inc > 0 ? i * inc : (len - 1 - i) * -inc;
    }

    @Test
    void unavailableBackendNeedsNoLibrary() {
        Supplier<Availability> cuda = () -> new org.simdnn.ffm.cuda.CudaBackendProvider().probe();
        Availability a = assertDoesNotThrow(cuda::get);
        assertFalse(a.available());
        assertFalse(a.reason().isBlank());
    }
}

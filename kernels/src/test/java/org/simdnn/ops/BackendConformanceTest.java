package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.simdnn.reference.Check;
import org.simdnn.reference.ConvChecks;
import org.simdnn.reference.Reference;

/**
 * Every op of {@link Backend} against the scalar references. Each backend's test extends this and returns
 * its backend from {@link #backend()}; a backend that cannot load here must make the subclass skip with
 * the reason ({@code Assumptions.assumeTrue(available, reason)}), never pass silently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest implements ConvConformance, PoolConformance, NormConformance,
        ActivationConformance, SoftmaxConformance, DropoutConformance, EltwiseConformance, OptimizerConformance,
        MisuseConformance {

    /** The op families besides GEMM and convolution, one interface each (the per-vector-width forks run these). */
    public static final List<Class<?>> OP_FAMILIES = List.of(PoolConformance.class, NormConformance.class,
            ActivationConformance.class, SoftmaxConformance.class, DropoutConformance.class, EltwiseConformance.class,
            OptimizerConformance.class);

    @Override
    public abstract Backend backend();

    private Backend be;

    @BeforeEach
    void setUp() { be = backend(); }

    /**
     * Relative tolerance (to the sum of |terms|) for a k-term float dot product against the double reference:
     * ~k·eps, k >= 16, plus the input rounding of Tensor Core math ({@link #gemmInputRoundoff()}).
     */
    protected double gemmTolerance(int k) { return ConvChecks.tol(k, gemmInputRoundoff()); }

    @ParameterizedTest(name = "gemm tA={0} tB={1} m={2} n={3} k={4} alpha={5} beta={6}")
    @CsvSource({
            "false,false,1,1,1,1,0", "false,false,7,13,5,1,0", "true,false,17,9,31,-1.5,1",
            "false,true,33,65,17,1,-1.5", "true,true,64,48,100,1.5,1", "false,false,127,129,131,1,0",
            "false,false,1,300,207,1,0", "false,false,300,1,207,1,1", "true,true,5,3,0,1,-1.5",
            "false,false,0,5,5,1,0"})
    void gemmMatchesReference(boolean tA, boolean tB, int m, int n, int k, float alpha, float beta) {
        int lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 2, ldc = n + 5;
        int offA = 1, offB = 2, offC = 3;
        float[] a = Check.random(1, offA + (tA ? k : m) * lda);
        float[] b = Check.random(2, offB + (tB ? n : k) * ldb);
        float[] c = Check.random(3, offC + m * ldc);
        float[] expected = c.clone();
        Reference.sgemm(tA, tB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, expected, offC, ldc);
        double[] scale = Reference.sgemmAbsScale(tA, tB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        float[] before = c.clone();
        be.sgemm(tA, tB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        Check.close(be.name() + " sgemm", expected, c, offC, ldc, m, n, scale, gemmTolerance(k));
        Check.untouchedOutside(be.name() + " sgemm", before, c, offC, ldc, m, n);
    }

    @Test
    void gemmBetaZeroIgnoresNaNInC() {
        int m = 9, n = 11, k = 7;
        float[] a = Check.random(4, m * k), b = Check.random(5, k * n);
        float[] c = new float[m * n];
        Arrays.fill(c, Float.NaN);
        be.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        float[] expected = new float[m * n];
        Reference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        double[] scale = Reference.sgemmAbsScale(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        Check.close(be.name() + " sgemm beta=0 with NaN C", expected, c, 0, n, m, n, scale, gemmTolerance(k));
    }

    @Test
    void gemmPropagatesNaNAndInfFromOperands() {
        int m = 5, n = 6, k = 4;
        float[] a = Check.random(6, m * k), b = Check.random(7, k * n);
        a[2 * k + 1] = Float.NaN;
        b[3 * n + 4] = Float.POSITIVE_INFINITY;
        float[] c = new float[m * n], expected = new float[m * n];
        be.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        Reference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        double[] scale = Reference.sgemmAbsScale(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        Check.close(be.name() + " sgemm NaN/Inf", expected, c, 0, n, m, n, scale, gemmTolerance(k));
    }

    @Test
    void gemmRejectsBadArgumentsBeforeWork() {
        float[] a = new float[12], b = new float[12], c = new float[12];
        assertThrows(IllegalArgumentException.class, () -> be.sgemm(false, false, -1, 3, 3, 1, a, 0, 3, b, 0, 3, 0, c, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> be.sgemm(false, false, 3, 3, 3, 1, a, 0, 2, b, 0, 3, 0, c, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> be.sgemm(false, false, 4, 4, 4, 1, a, 0, 4, b, 0, 4, 0, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> be.sgemm(true, false, 3, 3, 3, 1, a, 10, 3, b, 0, 3, 0, c, 0, 3));
    }
}

package org.simdnn.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;

/**
 * SGEMM against {@link Reference#sgemm} (double accumulation) for every micro-kernel width this CPU can run
 * (512, 256, 128 bits and scalar; each width class is called directly through its {@link KernelConfig}), with
 * both the production block sizes and tiny ones that force every loop of the driver to take several trips.
 *
 * <p>Tolerance: element-wise {@code |ours - ref| <= 2 * max(16, k) * ulp(1) * (|alpha| sum_p |A(i,p) B(p,j)| +
 * |beta C(i,j)|)}, the classic k-eps rounding bound of a float dot product (the same as
 * {@code BackendConformanceTest.gemmTolerance}); NaN must match NaN and infinities must match exactly.
 */
class GemmTest {

    static final int[] SIZES = {1, 2, 3, 5, 6, 7, 8, 11, 13, 16, 17, 31, 32, 33, 47, 64, 97, 127, 128, 131, 191, 207,
            251, 256, 257, 300};
    static final float[] ALPHAS = {1f, -1.5f, 0f};
    static final float[] BETAS = {0f, 1f, -1.5f};

    static double tol(int k) { return 2.0 * Math.max(16, k) * Math.ulp(1f); }

    /** Widths this CPU's Vector API runs natively, plus scalar. */
    static List<Integer> widths() { return KernelConfig.runnableWidths(); }

    /**
     * Production blocking; tiny blocks (mc = 2 MR, kc = 7, nc = 2 NR) that make every loop iterate, with A packed
     * and with A read in place; and the direct (unpacked) kernel for every size.
     */
    static List<KernelConfig> configs() {
        List<KernelConfig> out = new ArrayList<>();
        List<KernelConfig> rows = new ArrayList<>();
        for (int bits : widths()) {
            KernelConfig row = KernelConfig.forBits(bits);
            rows.add(row);
            for (F32GemmKernel v : KernelConfig.variants(bits)) {
                rows.add(new KernelConfig(v, row.direct(), row.mc() / v.mr() * v.mr(), row.kc(), row.nc(),
                        row.inPlaceMaxK(), row.inPlaceMaxN(), row.directMaxMnk(), row.parallelMinFlops(), row.smallM(),
                        row.smallMParallelMinKn()));
            }
        }
        for (KernelConfig p : rows) {
            out.add(p);
            out.add(new KernelConfig(p.kernel(), p.direct(), 2 * p.mr(), 7, 2 * p.nr(), 0, 0, 0, 0, null, 0));
            out.add(new KernelConfig(p.kernel(), p.direct(), 2 * p.mr(), 7, 2 * p.nr(), 1 << 20, 1 << 20, 0, 0, null, 0)); // A in place
            out.add(new KernelConfig(p.kernel(), p.direct(), p.mc(), p.kc(), p.nc(), 0, 0, Long.MAX_VALUE, 0, null, 0)); // direct
            if (p.sup() != null) {
                // the unpacked kernel for every row-major product it accepts (k <= kc), direct only for GEMV shapes
                out.add(new KernelConfig(p.kernel(), p.direct(), p.mc(), p.kc(), p.nc(), p.inPlaceMaxK(), p.inPlaceMaxN(),
                        0, p.parallelMinFlops(), p.smallM(), p.smallMParallelMinKn(), p.sup(), Long.MAX_VALUE));
            }
        }
        return out;
    }

    static Stream<Arguments> randomCases() {
        List<Arguments> cases = new ArrayList<>();
        List<KernelConfig> cfgs = configs();
        for (int ci = 0; ci < cfgs.size(); ci++) {
            SplittableRandom r = new SplittableRandom(1000 + ci);
            for (int i = 0; i < 16; i++) {
                int m = SIZES[r.nextInt(SIZES.length)], n = SIZES[r.nextInt(SIZES.length)];
                int k = SIZES[r.nextInt(SIZES.length)];
                if ((long) m * n * k > 4_000_000) k = 17; // keep the double reference quick
                cases.add(Arguments.of(cfgs.get(ci), i % 4 >= 2, i % 2 == 1, m, n, k, ALPHAS[r.nextInt(3)],
                        BETAS[r.nextInt(3)], r.nextInt(4), r.nextInt(6)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "random {0} tA={1} tB={2} {3}x{4}x{5} alpha={6} beta={7} pad={8} off={9}")
    @MethodSource("randomCases")
    void matchesReference(KernelConfig cfg, boolean tA, boolean tB, int m, int n, int k, float alpha, float beta,
                          int pad, int off) {
        check(cfg, 1, tA, tB, m, n, k, alpha, beta, pad, off);
    }

    /**
     * One edge case, named as XNNPACK names its GEMM tests so a failure says which boundary broke: k against the
     * row's kc ({@code k_lt_kc}, {@code k_eq_kc}, {@code k_gt_kc}, {@code k_div_kc}), partial register tiles
     * ({@code m_tail}, {@code n_tail}, {@code subtile_mn}), prime leading dimensions ({@code strided_c}),
     * scalars ({@code alpha_beta}, {@code alpha_zero}, {@code beta_zero}), and the shapes the driver routes
     * differently (GEMV rows and columns, k = 1, tall-skinny, short-wide).
     */
    record Edge(String name, int m, int n, int k, float alpha, float beta, int pad) {
        Edge(String name, int m, int n, int k) { this(name, m, n, k, -1.5f, 1f, 3); }

        @Override public String toString() { return name; }
    }

    /** The leading-dimension padding that makes {@code ldc = n + pad} the first prime above n + 1. */
    static int primePad(int n) {
        int ldc = n + 2;
        while (!java.math.BigInteger.valueOf(ldc).isProbablePrime(30)) ldc++;
        return ldc - n;
    }

    static List<Edge> edges(KernelConfig cfg) {
        int mr = cfg.mr(), nr = cfg.nr(), kc = cfg.kc();
        return List.of(
                new Edge("k_eq_kc", mr, nr, kc), new Edge("k_lt_kc", mr, nr, kc - 1),
                new Edge("k_gt_kc", mr, nr, kc + 1), new Edge("k_div_kc", mr, nr, 2 * kc),
                new Edge("k_lt_7", mr, nr, 6), new Edge("k_eq_7", mr, nr, 7), new Edge("k_gt_7", mr, nr, 8),
                new Edge("k_div_7", mr, nr, 14),
                new Edge("subtile_mn", mr - 1, nr - 1, 5), new Edge("tile_plus_one", mr + 1, nr + 1, 9),
                new Edge("m_tail", 2 * mr + 1, nr, 9), new Edge("n_tail", mr, 2 * nr + 3, 9),
                new Edge("one", 1, 1, 1), new Edge("gemv_row", 1, 300, 207), new Edge("gemv_col", 300, 1, 207),
                new Edge("k_one", 1, 257, 1), new Edge("tall_k_two", 257, 3, 2), new Edge("short_wide", 2, 104, 13),
                new Edge("tall_skinny", 207, 7, 300), new Edge("k_eq_64", 100, 10, 64), new Edge("k_odd_33", 40, 16, 33),
                new Edge("strided_c", 2 * mr + 1, 2 * nr + 1, 11, -1.5f, 1f, primePad(2 * nr + 1)),
                new Edge("alpha_beta", mr + 2, nr + 2, 19, 0.75f, -1.5f, 3),
                new Edge("alpha_zero", mr + 2, nr + 2, 19, 0f, -1.5f, 3),
                new Edge("beta_zero", mr + 2, nr + 2, 19, -1.5f, 0f, 3));
    }

    static Stream<Arguments> edgeCases() {
        List<Arguments> cases = new ArrayList<>();
        for (KernelConfig cfg : configs()) {
            for (Edge e : edges(cfg)) {
                for (int t = 0; t < 4; t++) cases.add(Arguments.of(e, cfg, t >= 2, t % 2 == 1));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} tA={2} tB={3}")
    @MethodSource("edgeCases")
    void edgeShapes(Edge e, KernelConfig cfg, boolean tA, boolean tB) {
        check(cfg, 1, tA, tB, e.m(), e.n(), e.k(), e.alpha(), e.beta(), e.pad(), 5);
    }

    /** Runs one case, compares with the reference and checks that nothing outside C's window changed. */
    static float[] check(KernelConfig cfg, int threads, boolean tA, boolean tB, int m, int n, int k, float alpha,
                         float beta, int pad, int off) {
        int lda = Math.max(1, tA ? m : k) + pad, ldb = Math.max(1, tB ? k : n) + pad * 2 + (pad > 0 ? 1 : 0);
        int ldc = Math.max(1, n) + pad;
        int offA = off, offB = off * 2 + 1, offC = off + 3;
        float[] a = Check.random(11 + m, offA + (tA ? k : m) * lda);
        float[] b = Check.random(13 + n, offB + (tB ? n : k) * ldb);
        float[] c = Check.random(17 + k, offC + m * ldc + pad);
        float[] expected = c.clone();
        Reference.sgemm(tA, tB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, expected, offC, ldc);
        double[] scale = Reference.sgemmAbsScale(tA, tB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        float[] before = c.clone();
        GemmArgs.check(tA, tB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        GemmDriver.sgemm(cfg, threads, tA, tB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        String what = cfg + " mc=" + cfg.mc() + " kc=" + cfg.kc() + " tA=" + tA + " tB=" + tB + " " + m
                + "x" + n + "x" + k + " alpha=" + alpha + " beta=" + beta;
        Check.close(what, expected, c, offC, ldc, m, n, scale, tol(k));
        Check.untouchedOutside(what, before, c, offC, ldc, m, n);
        return c;
    }

    @Test
    @DisplayName("beta_zero_ignores_nan")
    void betaZeroIgnoresNaNInC() {
        for (KernelConfig cfg : configs()) {
            for (int[] s : new int[][] {{9, 11, 7}, {67, 45, 33}}) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = Check.random(4, m * k), b = Check.random(5, k * n), c = new float[m * n];
                Arrays.fill(c, Float.NaN);
                GemmDriver.sgemm(cfg, 1, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                float[] expected = new float[m * n];
                Reference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
                Check.close(cfg + " beta=0, NaN C", expected, c, 0, n, m, n, null, tol(k));
            }
        }
    }

    @Test
    @DisplayName("nan_inf_propagate")
    void propagatesNaNAndInf() {
        for (KernelConfig cfg : configs()) {
            for (int[] s : new int[][] {{5, 6, 4}, {40, 70, 30}}) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = Check.random(6, m * k), b = Check.random(7, k * n);
                a[2 * k + 1] = Float.NaN;                // row 2 of C becomes NaN
                b[3 * n + 4] = Float.POSITIVE_INFINITY;  // column 4 becomes +-Inf (or NaN where it meets row 2)
                a[(m - 1) * k + 3] = Float.NEGATIVE_INFINITY;
                b[3 * n + (n - 1)] = 0f;                 // -Inf * 0 = NaN at (m-1, n-1)
                float[] c = new float[m * n], expected = new float[m * n];
                GemmDriver.sgemm(cfg, 1, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                Reference.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
                assertTrue(Float.isNaN(expected[(m - 1) * n + n - 1]));
                Check.close(cfg + " NaN/Inf", expected, c, 0, n, m, n, null, 1e-5);
            }
        }
    }

    @Test
    @DisplayName("alpha_zero_ignores_nan_in_ab")
    void alphaZeroScalesCWithoutReadingAB() {
        int m = 7, n = 9, k = 5;
        float[] a = new float[m * k], b = new float[k * n];
        Arrays.fill(a, Float.NaN);
        Arrays.fill(b, Float.NaN);
        float[] c = Check.random(8, m * n), expected = c.clone();
        for (int i = 0; i < expected.length; i++) expected[i] *= -1.5f;
        Gemm.sgemm(false, false, m, n, k, 0f, a, 0, k, b, 0, n, -1.5f, c, 0, n);
        assertArrayEquals(expected, c);
        Gemm.sgemm(false, false, m, n, k, 0f, a, 0, k, b, 0, n, 0f, c, 0, n);
        assertArrayEquals(new float[m * n], c);
    }

    /**
     * Several threads split the row panels; every element is summed in the same order, so results are identical
     * bit for bit (single-threaded correctness is covered above).
     */
    @Test
    @DisplayName("threads_bitwise_equal")
    void multithreadedMatchesSingleThreaded() {
        for (int bits : widths()) {
            KernelConfig p = KernelConfig.forBits(bits);
            KernelConfig eager = new KernelConfig(p.kernel(), p.direct(), p.mc(), p.kc(), p.nc(), p.inPlaceMaxK(),
                    p.inPlaceMaxN(), 0, 0, p.smallM(), 0);
            for (int[] s : new int[][] {{300, 257, 600}, {131, 64, 288}, {7, 100, 50}, {300, 10, 200}, {1, 1000, 70},
                    {3, 97, 300}, {4, 33, 40}}) {
                int m = s[0], n = s[1], k = s[2];
                for (int t = 0; t < 4; t++) {
                    boolean tA = t >= 2, tB = t % 2 == 1;
                    float[] a = Check.random(31, m * k), b = Check.random(32, k * n), c1 = Check.random(33, m * n);
                    float[] c2 = c1.clone();
                    int lda = tA ? m : k, ldb = tB ? k : n;
                    GemmDriver.sgemm(eager, 1, tA, tB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, c1, 0, n);
                    GemmDriver.sgemm(eager, 2, tA, tB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, c2, 0, n);
                    assertArrayEquals(c1, c2, "threads disagree: " + eager + " " + Arrays.toString(s) + " t=" + t);
                }
            }
        }
        float[] x = Check.random(34, 300 * 300), y = x.clone();
        // ... and through the public entry with the default thread count.
        Gemm.sgemm(false, false, 300, 300, 1, 1f, Check.random(35, 300), 0, 1, Check.random(36, 300), 0, 300, 2f, x, 0, 300);
        GemmDriver.sgemm(KernelConfig.DEFAULT, 1, false, false, 300, 300, 1, 1f, Check.random(35, 300), 0, 1,
                Check.random(36, 300), 0, 300, 2f, y, 0, 300);
        assertArrayEquals(y, x);
    }

    /** Large sizes through the public entry (this JVM's width, all threads); rows sampled against the reference. */
    @ParameterizedTest(name = "large_square n={0} tA={1} tB={2}")
    @org.junit.jupiter.params.provider.CsvSource({"1024,false,false", "1024,true,true", "1031,false,true",
            "2048,true,false"})
    void largeSquareSampledRows(int n, boolean tA, boolean tB) {
        int m = n, k = n;
        float[] a = Check.random(21, m * k), b = Check.random(22, k * n), c = Check.random(23, m * n);
        float[] c0 = c.clone();
        Gemm.sgemm(tA, tB, m, n, k, 1.5f, a, 0, k, b, 0, n, -1f, c, 0, n);
        SplittableRandom r = new SplittableRandom(n);
        for (int s = 0; s < 12; s++) {
            int i = s == 0 ? 0 : s == 1 ? m - 1 : r.nextInt(m);
            // Row i of C: A's row i starts at i*lda (not transposed) or at column i (transposed).
            int offA = tA ? i : i * k;
            float[] exp = Arrays.copyOfRange(c0, i * n, (i + 1) * n);
            double[] scale = Reference.sgemmAbsScale(tA, tB, 1, n, k, 1.5f, a, offA, k, b, 0, n, -1f, exp, 0, n);
            Reference.sgemm(tA, tB, 1, n, k, 1.5f, a, offA, k, b, 0, n, -1f, exp, 0, n);
            float[] got = Arrays.copyOfRange(c, i * n, (i + 1) * n);
            Check.close("n=" + n + " row " + i, exp, got, 0, n, 1, n, scale, tol(k));
        }
    }

    @Test
    void tableHasAKernelPerWidth() {
        assertEquals("f32-gemm-6x2v-broadcast-512", KernelConfig.forBits(512).kernel().id());
        assertEquals(List.of("f32-gemm-8x2v-broadcast-512"), KernelConfig.variants(512).stream().map(F32GemmKernel::id).toList());
        assertEquals(KernelConfig.DEFAULT.kernel().id(), KernelConfig.withKernel(KernelConfig.DEFAULT, "").kernel().id());
        assertThrows(IllegalArgumentException.class, () -> KernelConfig.withKernel(KernelConfig.forBits(512), "f32-gemm-9x9-nonesuch"));
        assertEquals("f32-gemm-6x2v-broadcast-256", KernelConfig.forBits(256).kernel().id());
        assertEquals("f32-gemm-6x2v-broadcast-128", KernelConfig.forBits(128).kernel().id());
        assertEquals("f32-gemm-4x4-scalar", KernelConfig.forBits(0).kernel().id());
        assertEquals(KernelConfig.forBits(CpuInfo.VECTOR_BITS).kernel().id(), Gemm.kernelId());
        assertThrows(IllegalArgumentException.class, () -> KernelConfig.forBits(64));
        F32GemmKernel k = KernelConfig.forBits(0).kernel();
        F32GemmDirect d = KernelConfig.forBits(0).direct();
        assertThrows(IllegalArgumentException.class, () -> new KernelConfig(k, d, 5, 8, 8, 0, 0, 0, 0, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new KernelConfig(k, d, 8, 8, 6, 0, 0, 0, 0, null, 0));
    }

    /** The public handle the micro-kernel benchmark uses: the table's ids, and one tile against the reference. */
    @Test
    void microKernelHandleRunsOneTile() {
        List<String> ids = new ArrayList<>();
        for (int bits : KernelConfig.WIDTHS) {
            ids.add(KernelConfig.forBits(bits).kernel().id());
            for (F32GemmKernel v : KernelConfig.variants(bits)) ids.add(v.id());
        }
        assertEquals(ids, MicroKernel.ids());
        assertTrue(ids.containsAll(MicroKernel.runnableIds()) && MicroKernel.runnableIds().contains("f32-gemm-4x4-scalar"));
        for (String id : MicroKernel.runnableIds()) {
            MicroKernel mk = MicroKernel.of(id);
            int k = 37, mr = mk.mr(), nr = mk.nr(), ldc = nr + 3, ic = 5;
            float[] pa = Check.random(41, k * mr), pb = Check.random(42, k * nr), c = new float[ic + mr * ldc];
            Arrays.fill(c, Float.NaN); // beta 0: never read
            float[] before = c.clone(), want = new float[c.length];
            mk.tile(k, pa, pb, c, ic, ldc);
            // packed A is A^T (k x MR) and packed B is B (k x NR), both row-major
            Reference.sgemm(true, false, mr, nr, k, 1f, pa, 0, mr, pb, 0, nr, 0f, want, ic, ldc);
            double[] scale = Reference.sgemmAbsScale(true, false, mr, nr, k, 1f, pa, 0, mr, pb, 0, nr, 0f, want, ic, ldc);
            Check.close(id + " tile", want, c, ic, ldc, mr, nr, scale, tol(k));
            Check.untouchedOutside(id + " tile", before, c, ic, ldc, mr, nr);
            assertThrows(IllegalArgumentException.class, () -> mk.tile(k, pa, pb, c, ic + ldc, ldc));
        }
        assertThrows(IllegalArgumentException.class, () -> MicroKernel.of("f32-gemm-8x8-nonesuch"));
    }

    @Test
    void rejectsBadArgumentsBeforeWork() {
        float[] a = new float[12], b = new float[12], c = new float[12];
        c[0] = 42f;
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, -1, 3, 3, 1, a, 0, 3, b, 0, 3, 0, c, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, 3, 3, 3, 1, a, 0, 2, b, 0, 3, 0, c, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, 4, 4, 4, 1, a, 0, 4, b, 0, 4, 0, c, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(true, false, 3, 3, 3, 1, a, 10, 3, b, 0, 3, 0, c, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, true, 3, 3, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, 3, 3, 3, 1, a, 0, 3, b, 0, 3, 0, c, -1, 3));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(false, false, 3, 3, 3, 1, null, 0, 3, b, 0, 3, 0, c, 0, 3));
        assertEquals(42f, c[0], "C written before the arguments were rejected");
    }

    /**
     * The parallel grain must give every thread a range: Parallel.forRange makes min(t, n / grain) ranges. The old
     * grain ceil(n / t) gave one range for n = 171 row panels (m = 1024), so a 2-thread 1024^3 GEMM ran on one.
     */
    @Test
    void parallelGrainUsesEveryThread() {
        for (int t = 1; t <= 8; t++) {
            for (int n = 1; n <= 2000; n++) {
                int ranges = Math.min(t, Math.max(1, n / GemmTask.grain(n, t)));
                assertEquals(Math.min(t, n), ranges, "n=" + n + " t=" + t);
            }
        }
    }
}

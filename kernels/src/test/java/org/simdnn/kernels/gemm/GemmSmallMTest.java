package org.simdnn.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;

/**
 * The small-m path ({@link F32GemmSmallM}, m = 1 to 4) of every vector width against {@link Reference#sgemm}:
 * all four transpose combinations; n below, at and around the vector (the overlapping last vector), several
 * column chunks; k below, at and around each kernel's step (8 or 4 B rows, one vector for the dot products);
 * alpha and beta in {1, -1.5, 0}; padded leading dimensions and offsets; one and two threads with the split
 * forced. Tolerance as {@link GemmTest}.
 */
class GemmSmallMTest {

    /** Every width with a small-m kernel, production thresholds and the thread split forced on. */
    static List<KernelConfig> configs() {
        List<KernelConfig> out = new ArrayList<>();
        for (int bits : KernelConfig.runnableWidths()) {
            KernelConfig p = KernelConfig.forBits(bits);
            if (p.smallM() == null) continue;
            out.add(p);
            out.add(new KernelConfig(p.kernel(), p.direct(), p.mc(), p.kc(), p.nc(), p.inPlaceMaxK(), p.inPlaceMaxN(),
                    p.directMaxMnk(), p.parallelMinFlops(), p.smallM(), 0));
        }
        return out;
    }

    @Test
    @DisplayName("small_m shapes, transposes, tails")
    void matchesReference() {
        org.junit.jupiter.api.Assumptions.assumeFalse(configs().isEmpty(), "no vector width: no small-m kernel");
        float[][] scalars = {{1f, 0f}, {-1.5f, 1f}, {0.75f, -1.5f}};
        for (KernelConfig cfg : configs()) {
            int l = cfg.smallM().lanes();
            int[] ns = {l - 1, l, l + 1, 2 * l - 1, 3 * l + 5, 100, 257};
            int[] ks = {1, 3, 7, 8, 9, l - 1, l, l + 1, 2 * l + 3, 64, 131};
            SplittableRandom r = new SplittableRandom(l);
            for (int m = 1; m <= F32GemmSmallM.MAX_M; m++) {
                for (int t = 0; t < 4; t++) {
                    boolean tA = t >= 2, tB = t % 2 == 1;
                    for (int n : ns) {
                        for (int k : ks) {
                            float[] ab = scalars[r.nextInt(scalars.length)];
                            int threads = cfg.smallMParallelMinKn() == 0 ? 2 : 1;
                            GemmTest.check(cfg, threads, tA, tB, m, n, k, ab[0], ab[1], r.nextInt(4), r.nextInt(6));
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("small_m column chunks")
    void severalChunksAndTheLastVector() {
        for (KernelConfig cfg : configs()) {
            int l = cfg.smallM().lanes();
            for (int m = 1; m <= F32GemmSmallM.MAX_M; m++) {
                // More columns than one accumulator block holds: several chunks, then the overlapping last vector.
                int n = SmallMTask.CHUNK_FLOATS / m + 2 * l + 3;
                for (int t = 0; t < 4; t++) {
                    GemmTest.check(cfg, 2, t >= 2, t % 2 == 1, m, n, 2 * l + 5, -1.5f, 1f, 1, 3);
                }
            }
        }
    }

    @Test
    @DisplayName("small_m runs the small-m kernel")
    void routing() {
        for (KernelConfig cfg : configs()) {
            int l = cfg.smallM().lanes();
            assertEquals(cfg.smallM().id(), GemmDriver.kernelId(cfg, 1, l, 1));
            assertEquals(cfg.smallM().id(), GemmDriver.kernelId(cfg, 4, 4096, 4096));
            assertEquals(cfg.direct().id(), GemmDriver.kernelId(cfg, 4, 8 * l, 300)); // four rows, narrow B, one k block
            assertEquals(cfg.smallM().id(), GemmDriver.kernelId(cfg, 4, 8 * l, 4096));
            assertEquals(cfg.smallM().id(), GemmDriver.kernelId(cfg, 3, 8 * l, 4096));
            assertEquals(cfg.direct().id(), GemmDriver.kernelId(cfg, 1, l - 1, 100));
            assertEquals(cfg.kernel().id(), GemmDriver.kernelId(cfg, 5, 4096, 4096));
            assertTrue(cfg.smallM().id().startsWith("f32-gemm-smallm-stream-"));
        }
    }

    @Test
    @DisplayName("small_m nan_inf_propagate")
    void propagatesNaNAndInf() {
        for (KernelConfig cfg : configs()) {
            for (boolean tB : new boolean[] {false, true}) {
                int m = 3, n = 37, k = 40;
                float[] a = Check.random(6, m * k), b = Check.random(7, k * n);
                a[k + 1] = Float.NaN;                                // row 1 of C becomes NaN
                b[tB ? 4 * k + 3 : 3 * n + 4] = Float.POSITIVE_INFINITY; // column 4: +-Inf (NaN on row 1)
                a[2 * k + 3] = Float.NEGATIVE_INFINITY;
                b[tB ? (n - 1) * k + 3 : 3 * n + n - 1] = 0f;       // -Inf * 0 = NaN at (2, n-1)
                float[] c = new float[m * n], expected = new float[m * n];
                int ldb = tB ? k : n;
                GemmDriver.sgemm(cfg, 2, false, tB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
                Reference.sgemm(false, tB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, expected, 0, n);
                assertTrue(Float.isNaN(expected[2 * n + n - 1]) && Float.isNaN(expected[n + 4]));
                Check.close(cfg.smallM().id() + " NaN/Inf tB=" + tB, expected, c, 0, n, m, n, null, 1e-5);
            }
        }
    }

    @Test
    @DisplayName("small_m beta_zero_ignores_nan")
    void betaZeroIgnoresNaNInC() {
        for (KernelConfig cfg : configs()) {
            for (boolean tB : new boolean[] {false, true}) {
                int m = 4, n = 45, k = 33, ldb = tB ? k : n;
                float[] a = Check.random(4, m * k), b = Check.random(5, k * n), c = new float[m * n];
                java.util.Arrays.fill(c, Float.NaN);
                GemmDriver.sgemm(cfg, 2, false, tB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
                float[] expected = new float[m * n];
                Reference.sgemm(false, tB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, expected, 0, n);
                Check.close(cfg.smallM().id() + " beta=0, NaN C", expected, c, 0, n, m, n, null, GemmTest.tol(k));
            }
        }
    }

    /**
     * With B row-major a row of C gets the same bits from a small-m call as from the blocked driver inside a larger
     * call (same k blocks, one FMA chain per block; the production row runs some of these 40-row calls on the unpacked
     * kernel, the second row on the blocked driver): a model scored in batches of 1 to 4 rows gives the outputs of
     * one large batch (the Spark scorer's batches end with a few rows).
     */
    @Test
    @DisplayName("small_m rows_equal_blocked_bits")
    void rowsGiveTheBlockedDriversBits() {
        int bigM = 40;
        for (KernelConfig cfg : configs()) {
            for (int[] s : new int[][] {{200, 784}, {100, 300}, {64, 700}, {33, 1100}, {257, 40}}) {
                int n = s[0], k = s[1];
                for (boolean tA : new boolean[] {false, true}) {
                    float[] a = Check.random(51, bigM * k), b = Check.random(52, k * n), big = Check.random(53, bigM * n);
                    int lda = tA ? bigM : k;
                    float[] c0 = big.clone();
                    GemmDriver.sgemm(cfg, 1, tA, false, bigM, n, k, 1.5f, a, 0, lda, b, 0, n, -0.5f, big, 0, n);
                    // the blocked driver, or (row-major, k <= kc, small enough) the unpacked kernel: one chain per k block
                    String big40 = GemmDriver.kernelId(cfg, bigM, n, k);
                    assertTrue(big40.equals(cfg.kernel().id()) || cfg.sup() != null && big40.equals(cfg.sup().id()), big40);
                    for (int m = 1; m <= F32GemmSmallM.MAX_M; m++) {
                        int r0 = 7;
                        float[] c = java.util.Arrays.copyOfRange(c0, r0 * n, (r0 + m) * n);
                        GemmDriver.sgemm(cfg, 2, tA, false, m, n, k, 1.5f, a, tA ? r0 : r0 * k, lda, b, 0, n, -0.5f, c, 0, n);
                        assertArrayEquals(java.util.Arrays.copyOfRange(big, r0 * n, (r0 + m) * n), c, cfg.smallM().id()
                                + " m=" + m + " n=" + n + " k=" + k + " tA=" + tA);
                    }
                }
            }
        }
    }

    /** Columns split between threads: every element is summed in the same order, whatever the split. */
    @Test
    @DisplayName("small_m threads_bitwise_equal")
    void splitDoesNotChangeResults() {
        for (KernelConfig cfg : configs()) {
            if (cfg.smallMParallelMinKn() != 0) continue;
            for (int[] s : new int[][] {{1, 1003, 77}, {2, 4200, 19}, {3, 64, 300}, {4, 131, 129}}) {
                int m = s[0], n = s[1], k = s[2];
                for (int t = 0; t < 4; t++) {
                    boolean tA = t >= 2, tB = t % 2 == 1;
                    float[] a = Check.random(41, m * k), b = Check.random(42, k * n), c1 = Check.random(43, m * n);
                    float[] c2 = c1.clone();
                    int lda = tA ? m : k, ldb = tB ? k : n;
                    GemmDriver.sgemm(cfg, 1, tA, tB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, c1, 0, n);
                    GemmDriver.sgemm(cfg, 2, tA, tB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, c2, 0, n);
                    assertArrayEquals(c1, c2, "threads disagree: " + cfg.smallM().id() + " " + m + "x" + n + "x" + k
                            + " t=" + t);
                }
            }
        }
    }
}

package org.simdnn.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;

/**
 * The unpacked mid-size path ({@link F32GemmSup}) against {@link Reference#sgemm}: m below, at and around
 * multiples of the tile's 6 rows (the rows past them go to the direct kernel), n below, at and around 2 and 4
 * vectors (the 4v tiles, the one 2v block, the direct kernel's columns), k from 1 to kc; alpha and beta in {1, -1.5,
 * 0.75, 0}; padded leading dimensions (prime ldc) and offsets; the row split between threads; the same bits as the
 * blocked driver; the routing rule. NaN/Inf propagation and beta = 0 over NaN run through {@link GemmTest}'s
 * configurations, which include this kernel for every size it accepts. Tolerance as {@link GemmTest}.
 */
class GemmSupTest {

    /** Every width with an unpacked kernel, taking every row-major product with k <= kc (direct: GEMV shapes only). */
    static List<KernelConfig> configs() {
        List<KernelConfig> out = new ArrayList<>();
        for (int bits : KernelConfig.runnableWidths()) {
            KernelConfig p = KernelConfig.forBits(bits);
            if (p.sup() == null) continue;
            out.add(new KernelConfig(p.kernel(), p.direct(), p.mc(), p.kc(), p.nc(), p.inPlaceMaxK(), p.inPlaceMaxN(),
                    0, p.parallelMinFlops(), p.smallM(), p.smallMParallelMinKn(), p.sup(), Long.MAX_VALUE));
        }
        return out;
    }

    static KernelConfig withoutSup(KernelConfig p) {
        return new KernelConfig(p.kernel(), p.direct(), p.mc(), p.kc(), p.nc(), p.inPlaceMaxK(), p.inPlaceMaxN(),
                p.directMaxMnk(), p.parallelMinFlops(), p.smallM(), p.smallMParallelMinKn());
    }

    @Test
    @DisplayName("sup m_tail n_tail k strided alpha_beta")
    void matchesReference() {
        Assumptions.assumeFalse(configs().isEmpty(), "no unpacked kernel at this CPU's widths");
        float[][] scalars = {{1f, 0f}, {-1.5f, 1f}, {0.75f, -1.5f}, {1f, 1f}};
        for (KernelConfig cfg : configs()) {
            int l = cfg.nr() / 2;
            int[] ms = {5, 6, 7, 11, 12, 13, 17, 64, 67};
            int[] ns = {l + 1, 2 * l - 1, 2 * l, 2 * l + 1, 3 * l, 4 * l - 1, 4 * l, 4 * l + 1, 6 * l, 6 * l + 3, 8 * l,
                    8 * l + 1 + l / 2, 200};
            int[] ks = {1, 2, 7, 16, 64, 131, cfg.kc()};
            SplittableRandom r = new SplittableRandom(l);
            for (int m : ms) {
                for (int n : ns) {
                    for (int k : ks) {
                        if ((long) m * n * k > 3_000_000) continue; // keep the double reference quick
                        float[] ab = scalars[r.nextInt(scalars.length)];
                        int pad = r.nextInt(3) == 0 ? GemmTest.primePad(n) : r.nextInt(4);
                        assertEquals(cfg.sup().id(), GemmDriver.kernelId(cfg, m, n, k), m + "x" + n + "x" + k);
                        GemmTest.check(cfg, 1, false, false, m, n, k, ab[0], ab[1], pad, r.nextInt(6));
                    }
                }
            }
        }
    }

    /** k in one FMA chain per element, as the blocked driver's single k block: the same bits, not just close. */
    @Test
    @DisplayName("sup_bits_equal_blocked")
    void sameBitsAsBlocked() {
        Assumptions.assumeFalse(configs().isEmpty(), "no unpacked kernel at this CPU's widths");
        for (KernelConfig cfg : configs()) {
            KernelConfig blocked = withoutSup(cfg);
            for (int[] s : new int[][] {{64, 64, 64}, {67, 97, 131}, {13, 200, 512}, {130, 33, 300}, {7, 65, 9}}) {
                int m = s[0], n = s[1], k = s[2];
                for (float beta : new float[] {0f, 0.5f}) {
                    float[] a = Check.random(51, m * k), b = Check.random(52, k * n), c1 = Check.random(53, m * n);
                    float[] c2 = c1.clone();
                    GemmDriver.sgemm(cfg, 1, false, false, m, n, k, 1.25f, a, 0, k, b, 0, n, beta, c1, 0, n);
                    GemmDriver.sgemm(blocked, 1, false, false, m, n, k, 1.25f, a, 0, k, b, 0, n, beta, c2, 0, n);
                    assertArrayEquals(c2, c1, "sup vs blocked " + m + "x" + n + "x" + k + " beta=" + beta);
                }
            }
        }
    }

    @Test
    @DisplayName("sup_threads_bitwise_equal")
    void threadsSplitRows() {
        Assumptions.assumeFalse(configs().isEmpty(), "no unpacked kernel at this CPU's widths");
        for (KernelConfig p : configs()) {
            KernelConfig eager = new KernelConfig(p.kernel(), p.direct(), p.mc(), p.kc(), p.nc(), p.inPlaceMaxK(),
                    p.inPlaceMaxN(), 0, 0, p.smallM(), 0, p.sup(), Long.MAX_VALUE);
            for (int[] s : new int[][] {{12, 64, 64}, {67, 97, 131}, {131, 64, 288}, {200, 129, 40}}) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = Check.random(61, m * k), b = Check.random(62, k * n), c1 = Check.random(63, m * n);
                float[] c2 = c1.clone();
                GemmDriver.sgemm(eager, 1, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, c1, 0, n);
                GemmDriver.sgemm(eager, 2, false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, c2, 0, n);
                assertArrayEquals(c1, c2, "threads disagree: " + m + "x" + n + "x" + k);
                GemmTest.check(eager, 2, false, false, m, n, k, -1.5f, 0.75f, 3, 2);
            }
        }
    }

    /** The production rule: row-major, above the direct kernel's sizes, m n k <= supMaxMnk, k <= kc. */
    @Test
    @DisplayName("sup_routing")
    void routing() {
        for (int bits : KernelConfig.runnableWidths()) {
            KernelConfig cfg = KernelConfig.forBits(bits);
            if (cfg.sup() == null) continue;
            assertEquals(cfg.sup().id(), GemmDriver.kernelId(cfg, 64, 64, 64));
            assertEquals(cfg.sup().id(), GemmDriver.kernelId(cfg, 128, 128, 128));
            assertEquals(cfg.sup().id(), GemmDriver.kernelId(cfg, 8, 512, 512));
            assertEquals(cfg.kernel().id(), GemmDriver.kernelId(cfg, 129, 128, 128));
            assertEquals(cfg.kernel().id(), GemmDriver.kernelId(cfg, 8, 64, cfg.kc() + 1));
            assertEquals(cfg.direct().id(), GemmDriver.kernelId(cfg, 32, 32, 32));
            assertEquals(cfg.direct().id(), GemmDriver.kernelId(cfg, 100, 10, 64));
        }
        if (KernelConfig.runnableWidths().contains(512)) {
            assertEquals("f32-gemm-sup-6x4v-512", KernelConfig.forBits(512).sup().id());
        }
    }
}

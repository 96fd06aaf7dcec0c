package org.simdnn.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.PreparedGemm;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;

/**
 * The prepared GEMM against the reference SGEMM followed by bias, residual and clamp: m = 1..4 and the panel
 * path's other row counts, the blocked path above it, n around the panel width, k around the unrolls, both B
 * layouts, one and two threads.
 */
class PanelGemmTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    static Stream<Arguments> shapes() {
        int w = CpuInfo.VECTOR_BITS == 0 ? 8 : 2 * CpuInfo.VECTOR_BITS / 32;
        List<Arguments> out = new ArrayList<>();
        int[] ms = {1, 2, 3, 4, 5, 7, 8, 9, 17, 24, 31};
        int[] ns = {1, 7, w - 1, w, w + 1, 3 * w + 5, 300};
        int[] ks = {1, 2, 3, 4, 5, 17, 207};
        for (int m : ms) for (int n : ns) for (int k : ks) out.add(Arguments.of(m, n, k));
        out.add(Arguments.of(1, 256, 3136)); // the reference CNN's first fully connected layer at batch 1
        out.add(Arguments.of(2, 1000, 512));
        out.add(Arguments.of(205, 33, 17));  // row blocks with the epilogue per block, a partial last block
        out.add(Arguments.of(5003, 40, 24)); // several row blocks per thread, uneven last block
        out.add(Arguments.of(20, 300, 500)); // B too large for row blocks: one GEMM, then the epilogue
        return out.stream();
    }

    @ParameterizedTest(name = "m{0} n{1} k{2}")
    @MethodSource("shapes")
    void matchesReference(int m, int n, int k) {
        int variant = 0;
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (boolean transB : new boolean[] {false, true}) {
                boolean bias = variant % 2 == 0, residual = variant % 3 != 1;
                Clamp clamp = switch (variant % 3) {
                    case 0 -> Clamp.NONE;
                    case 1 -> Clamp.RELU;
                    default -> new Clamp(-0.25f, 0.5f);
                };
                check(m, n, k, transB, bias, residual, clamp, threads);
                variant++;
            }
        }
    }

    private static void check(int m, int n, int k, boolean transB, boolean withBias, boolean withResidual, Clamp clamp,
                              int threads) {
        float[] a = Check.random(31, 2 + m * k), b = Check.random(32, 3 + k * n);
        float[] bias = withBias ? Check.random(33, 1 + n) : null;
        float[] res = withResidual ? Check.random(34, 4 + m * n) : null;
        float[] e = new float[7 + m * n];
        Reference.sgemm(false, transB, m, n, k, 1f, a, 2, k, b, 3, transB ? k : n, 0f, e, 7, n);
        double[] s = Reference.sgemmAbsScale(false, transB, m, n, k, 1f, a, 2, k, b, 3, transB ? k : n, 0f, e, 7, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int o = 7 + i * n + j;
                double v = e[o] + (bias == null ? 0 : bias[1 + j]) + (res == null ? 0 : res[4 + i * n + j]);
                e[o] = (float) Math.min(Math.max(v, clamp.lo()), clamp.hi());
                s[i * n + j] += (bias == null ? 0 : Math.abs(bias[1 + j])) + (res == null ? 0 : Math.abs(res[4 + i * n + j]));
            }
        }
        PreparedGemm g = PanelGemm.of(transB, k, n, b, 3, bias, 1, clamp);
        float[] c = Check.random(35, 7 + m * n); // garbage: overwritten
        for (int rep = 0; rep < 2; rep++) {
            g.forward(m, a, 2, res, 4, c, 7);
            Check.close(g.id(m) + " m" + m + " n" + n + " k" + k + (transB ? " B^T" : "") + (withBias ? " +bias" : "")
                    + (withResidual ? " +residual" : "") + " " + clamp + " threads " + threads, e, c, 7, n, m, n, s,
                    2.0 * Math.max(16, k + 2) * Math.ulp(1f));
        }
    }

    /**
     * The id names the kernel that runs: the panel kernel for small m (with vectors), the direct kernel for tiny,
     * narrow and one-row products, the unpacked kernel for mid-sized ones, the blocked micro-kernel for the rest
     * (GemmDriver's rules, with this JVM's table).
     */
    @Test
    void idNamesTheKernelThatRuns() {
        KernelConfig cfg = KernelConfig.DEFAULT;
        String panel = "f32-gemm-panel-4x2v-" + CpuInfo.VECTOR_BITS, direct = cfg.direct().id(), blocked = cfg.kernel().id();
        PreparedGemm tiny = PanelGemm.of(true, 8, 8, new float[64], 0, null, 0, Clamp.NONE);
        assertEquals(CpuInfo.VECTOR_BITS > 0 ? panel : direct, tiny.id(1));
        assertEquals(direct, tiny.id(PanelGemm.SMALL_M + 1)); // 9 x 8 x 8 is below the direct kernel's m*n*k bound
        int k = 1024, n = 2; // n <= NR/2 in every row of the table, m*n*k above the bound
        assertTrue(2 * n <= cfg.nr() && 64L * n * k > cfg.directMaxMnk());
        assertEquals(direct, PanelGemm.of(false, k, n, new float[k * n], 0, null, 0, Clamp.NONE).id(64));
        PreparedGemm square = PanelGemm.of(false, 64, 64, new float[64 * 64], 0, null, 0, Clamp.NONE);
        // blocks of 100 rows (200 for 1 thread) x 64 x 64: row-major and below 128^3, the unpacked kernel where the row has one
        String mid = cfg.sup() != null ? cfg.sup().id() : blocked;
        assertEquals(mid, square.id(200));
        PreparedGemm deep = PanelGemm.of(false, 1024, 64, new float[1024 * 64], 0, null, 0, Clamp.NONE);
        assertEquals(blocked, deep.id(200)); // k = 1024 > kc: several k blocks, the blocked driver
    }

    @Test
    void rejectsBadOperands() {
        PreparedGemm g = PanelGemm.of(false, 4, 3, new float[12], 0, null, 0, Clamp.NONE);
        float[] a = new float[8], c = new float[6];
        assertThrows(IllegalArgumentException.class, () -> g.forward(3, a, 0, null, 0, c, 0)); // a too short
        assertThrows(IllegalArgumentException.class, () -> g.forward(2, a, 0, new float[5], 0, c, 0));
        assertThrows(IllegalArgumentException.class, () -> g.forward(1, c, 0, null, 0, c, 2)); // c overlaps a
        assertThrows(IllegalArgumentException.class, () -> PanelGemm.of(false, 4, 3, new float[11], 0, null, 0, Clamp.NONE));
        assertThrows(IllegalArgumentException.class, () -> PanelGemm.of(false, 4, 3, new float[12], 0, new float[2], 0, Clamp.NONE));
    }
}

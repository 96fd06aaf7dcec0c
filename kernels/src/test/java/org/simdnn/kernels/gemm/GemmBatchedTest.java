package org.simdnn.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;
import org.simdnn.tensor.Tensor;

/** Batched SGEMM and Tensor matmul against per-matrix {@link Reference#sgemm}; tolerance as in {@link GemmTest}. */
class GemmBatchedTest {

    @Test
    void eachMatrixMatchesTheReference() {
        int m = 13, n = 37, k = 29, batch = 5, lda = 31, ldb = 40, ldc = 41;
        for (int t = 0; t < 4; t++) {
            boolean tA = t >= 2, tB = t % 2 == 1;
            int aRows = tA ? k : m, bRows = tB ? n : k;
            int sA = aRows * lda + 3, sB = 0 /* shared B */, sC = m * ldc + 2;
            float[] a = Check.random(1, 2 + batch * sA), b = Check.random(2, 5 + bRows * ldb);
            float[] c = Check.random(3, 1 + batch * sC), expected = c.clone(), before = c.clone();
            for (int i = 0; i < batch; i++) {
                Reference.sgemm(tA, tB, m, n, k, -1.5f, a, 2 + i * sA, lda, b, 5, ldb, 1f, expected, 1 + i * sC, ldc);
            }
            Gemm.sgemmBatched(tA, tB, m, n, k, -1.5f, a, 2, lda, sA, b, 5, ldb, sB, 1f, c, 1, ldc, sC, batch);
            for (int i = 0; i < batch; i++) {
                double[] scale = Reference.sgemmAbsScale(tA, tB, m, n, k, -1.5f, a, 2 + i * sA, lda, b, 5, ldb, 1f, before,
                        1 + i * sC, ldc);
                Check.close("batch " + i + " t=" + t, expected, c, 1 + i * sC, ldc, m, n, scale, GemmTest.tol(k));
            }
            // Gaps between the C matrices stay untouched.
            for (int i = 0; i < c.length; i++) {
                int rel = i - 1, mat = rel / sC, in = rel % sC;
                boolean inside = rel >= 0 && mat < batch && in / ldc < m && in % ldc < n;
                if (!inside) assertEquals(before[i], c[i], "element " + i + " outside every C changed");
            }
        }
    }

    @Test
    void matmulRank3AndRank2() {
        int batch = 3, m = 9, k = 17, n = 70;
        Tensor a = Tensor.wrap(Check.random(4, batch * m * k), batch, m, k);
        Tensor w = Tensor.wrap(Check.random(5, n * k), n, k); // shared, used transposed
        Tensor c = Tensor.zeros(batch, m, n);
        Gemm.matmul(a, false, w, true, c, 0f);
        float[] expected = new float[batch * m * n];
        for (int i = 0; i < batch; i++) {
            Reference.sgemm(false, true, m, n, k, 1f, a.data(), i * m * k, k, w.data(), 0, k, 0f, expected, i * m * n, n);
        }
        Check.close("matmul rank 3", expected, c.data(), 0, n, batch * m, n, null, GemmTest.tol(k));

        Tensor a2 = Tensor.wrap(Check.random(6, k * m), k, m), c2 = Tensor.zeros(m, n);
        Gemm.matmul(a2, true, w, true, c2, 0f);
        float[] e2 = new float[m * n];
        Reference.sgemm(true, true, m, n, k, 1f, a2.data(), 0, m, w.data(), 0, k, 0f, e2, 0, n);
        Check.close("matmul rank 2", e2, c2.data(), 0, n, m, n, null, GemmTest.tol(k));
    }

    @Test
    void rejectsBadArguments() {
        float[] a = new float[100], b = new float[100], c = new float[100];
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 3, 3, 3, 1, a, 0, 3, 9, b, 0, 3, 9, 0, c, 0, 3, 9, -1));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 3, 3, 3, 1, a, 0, 3, -9, b, 0, 3, 9, 0, c, 0, 3, 9, 2));
        // overlapping outputs
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 3, 3, 3, 1, a, 0, 3, 9, b, 0, 3, 9, 0, c, 0, 3, 5, 2));
        // the last matrix runs off the end of C (12 * 9 > 100), nothing written before the check
        c[0] = 7f;
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 3, 3, 3, 1, a, 0, 3, 0, b, 0, 3, 0, 0, c, 0, 3, 9, 12));
        assertEquals(7f, c[0]);
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.matmul(Tensor.zeros(2, 3), false, Tensor.zeros(4, 5), false, Tensor.zeros(2, 5), 0f));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.matmul(Tensor.zeros(2, 2, 3), false, Tensor.zeros(3, 3, 5), false, Tensor.zeros(2, 2, 5), 0f));
    }
}

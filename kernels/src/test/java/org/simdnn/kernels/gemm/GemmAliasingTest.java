package org.simdnn.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The overlap test behind sgemm's aliasing check, against a brute-force marking of both regions. */
class GemmAliasingTest {

    static long bruteFirstShared(int offP, int ldP, int rowsP, int colsP, int offQ, int ldQ, int rowsQ, int colsQ) {
        int size = Math.max(offP + Math.max(0, rowsP - 1) * ldP + colsP, offQ + Math.max(0, rowsQ - 1) * ldQ + colsQ);
        boolean[] p = new boolean[Math.max(1, size)];
        if (rowsQ == 0 || colsQ == 0) return -1;
        for (int r = 0; r < rowsP; r++) for (int c = 0; c < colsP; c++) p[offP + r * ldP + c] = true;
        long best = -1;
        for (int r = 0; r < rowsQ; r++) {
            for (int c = 0; c < colsQ; c++) {
                int i = offQ + r * ldQ + c;
                if (p[i] && (best < 0 || i < best)) best = i;
            }
        }
        return best;
    }

    @Test
    void firstSharedMatchesBruteForceOnRandomRegions() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int t = 0; t < 20_000; t++) {
            int colsP = rnd.nextInt(0, 9), colsQ = rnd.nextInt(0, 9);
            int ldP = Math.max(1, colsP) + rnd.nextInt(0, 6), ldQ = Math.max(1, colsQ) + rnd.nextInt(0, 6);
            int rowsP = rnd.nextInt(0, 7), rowsQ = rnd.nextInt(0, 7);
            int offP = rnd.nextInt(0, 40), offQ = rnd.nextInt(0, 40);
            long want = bruteFirstShared(offP, ldP, rowsP, colsP, offQ, ldQ, rowsQ, colsQ);
            long got = GemmArgs.firstShared(offP, ldP, rowsP, colsP, offQ, ldQ, rowsQ, colsQ);
            assertEquals(want, got, () -> "P off" + offP + " ld" + ldP + " " + rowsP + "x" + colsP + ", Q off" + offQ
                    + " ld" + ldQ + " " + rowsQ + "x" + colsQ);
        }
    }

    @Test
    void batchedRefusesAnOutputThatMeetsAnotherMatrixOfTheBatch() {
        // C_0 = A_1: the first product would overwrite the second one's input.
        float[] buf = new float[3 * 16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.sgemmBatched(false,
                false, 4, 4, 4, 1f, buf, 16, 4, 16, new float[16], 0, 4, 0, 0f, buf, 0, 4, 16, 2));
        assertTrue(e.getMessage().contains("overlaps input A"), e.getMessage());
    }

    @Test
    void unreadInputsOfEmptyProductsNeverConflict() {
        float[] buf = new float[64];
        Gemm.sgemm(false, false, 4, 4, 0, 1f, buf, 0, 1, buf, 0, 4, 0f, buf, 0, 4); // k = 0: A and B are empty
    }
}

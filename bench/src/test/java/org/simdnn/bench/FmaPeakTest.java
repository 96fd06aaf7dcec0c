package org.simdnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class FmaPeakTest {
    @Test
    void chainsComputeTheirRecurrence() {
        // 16 chains acc_k = acc_k * m + c from seed + k, each lane alike; the result is the sum over chains and lanes
        int lanes = FloatVector.SPECIES_PREFERRED.length(), iters = 1000;
        double expect = 0;
        for (int k = 0; k < 16; k++) {
            float a = 2f + k;
            for (int i = 0; i < iters; i++) a = Math.fma(a, 0.999999f, 1e-7f);
            expect += (double) a * lanes;
        }
        assertEquals(expect, FmaPeak.chains(iters, 2f), 1e-5 * expect);
        assertEquals(2.0 * 16 * lanes * iters, FmaPeak.flopsPerCall(iters));
    }

    @Test
    void measuresAPositiveRate() {
        FmaPeak.Result r = FmaPeak.measure(1, 30);
        assertTrue(r.gflops() > 0.1, "GFLOPS " + r.gflops());
        assertEquals(FloatVector.SPECIES_PREFERRED.vectorBitSize(), r.vectorBits());
        assertThrows(IllegalArgumentException.class, () -> FmaPeak.measure(0, 10));
    }
}

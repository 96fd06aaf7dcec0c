package org.simdnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.simdnn.bench.report.ParamPlan;
import org.simdnn.kernels.gemm.MicroKernel;

class MicroKernelBenchTest {
    @Test
    void benchesEveryKernelOfTheTable() {
        assertEquals(MicroKernel.ids(), ParamPlan.declared(MicroKernelBench.class).get("impl"));
    }

    /** Setup verifies every tile against the double reference; a kernel this CPU cannot run is a skip. */
    @Test
    void runnableKernelsVerifyOthersSkip() {
        for (String id : MicroKernel.ids()) {
            for (String shape : ParamPlan.declared(MicroKernelBench.class).get("shape")) {
                MicroKernelBench b = new MicroKernelBench();
                b.impl = id;
                b.shape = shape;
                if (MicroKernel.runnableIds().contains(id)) b.setup();
                else assertThrows(UnsupportedOperationException.class, b::setup);
            }
        }
        assertEquals(2.0 * 24 * 32 * 512, MicroKernelBench.flops("k512"));
    }
}

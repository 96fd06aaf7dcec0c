package org.simdnn.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The capability check behind the scalar fallback. The {@code without-vector-module} Surefire executions (kernels
 * and nn) run this with {@code -Dsimdnn.test.withoutVectorModule=true} and no {@code --add-modules
 * jdk.incubator.vector}, so a build that accidentally kept the module fails here instead of passing vacuously.
 */
class VectorModuleFallbackTest {
    private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    @Test
    void theExecutionRunsWhereItSaysItRuns() {
        if (Boolean.getBoolean("simdnn.test.withoutVectorModule")) {
            assertTrue(!MODULE, "this execution must run without --add-modules jdk.incubator.vector");
        }
    }

    @Test
    void withoutTheModuleTheKernelsRunScalarAndSayWhichFlagToAdd() {
        if (MODULE) return;
        assertEquals(0, CpuInfo.VECTOR_BITS);
        assertEquals(1, CpuInfo.lanes());
        assertTrue(CpuInfo.VECTOR_REASON.contains("--add-modules jdk.incubator.vector"), CpuInfo.VECTOR_REASON);
        assertTrue(new CpuBackend().describe().contains("scalar"), new CpuBackend().describe());
    }
}

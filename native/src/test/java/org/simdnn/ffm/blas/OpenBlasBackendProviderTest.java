package org.simdnn.ffm.blas;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendProvider;
import org.simdnn.ops.Backends;
import org.simdnn.ops.Op;

class OpenBlasBackendProviderTest {

    @Test
    void registeredBelowCpuSoCpuStaysTheDefault() {
        List<String> names = Backends.providers().stream().map(BackendProvider::name).toList();
        assertTrue(names.contains("openblas"), names.toString());
        assertTrue(names.contains("cuda"), names.toString());
        assertTrue(names.indexOf("cpu") < names.indexOf("openblas"), names.toString());
        assertTrue(new OpenBlasBackendProvider().priority() < 0);
    }

    @Test
    void probeNamesCoreTypeOrReason() {
        Availability a = assertDoesNotThrow(() -> new OpenBlasBackendProvider().probe());
        assertFalse(a.reason().isBlank());
        assumeTrue(a.available(), () -> "OpenBLAS cannot load here: " + a.reason());
        assertTrue(a.reason().contains("core " + OpenBlas.coreName()), a.reason());
    }

    @Test
    void supportsGemmAndConvAndForwardsTheRest() {
        assumeTrue(OpenBlas.isAvailable(), () -> OpenBlas.availability().reason());
        Backend be = Backends.get("openblas");
        assertEquals("openblas", be.name());
        assertTrue(be.describe().contains(OpenBlas.coreName()), be.describe());
        for (Op op : Op.values()) {
            boolean ours = op == Op.GEMM || op.name().startsWith("CONV2D");
            assertEquals(ours, be.supports(op), op.toString());
        }
    }

    @Test
    void forwardedOpsBehaveExactlyAsTheCpuBackend() {
        assumeTrue(OpenBlas.isAvailable(), () -> OpenBlas.availability().reason());
        Backend be = Backends.get("openblas"), cpu = Backends.cpu();
        org.simdnn.tensor.Tensor x = org.simdnn.tensor.Tensor.wrap(new float[] {1, 2, 3.5f}, 3);
        Object ours, theirs;
        try { ours = be.sum(x); } catch (RuntimeException e) { ours = e.getClass().getName() + ": " + e.getMessage(); }
        try { theirs = cpu.sum(x); } catch (RuntimeException e) { theirs = e.getClass().getName() + ": " + e.getMessage(); }
        assertEquals(theirs, ours);
    }
}

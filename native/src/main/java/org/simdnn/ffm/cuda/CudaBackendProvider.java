package org.simdnn.ffm.cuda;

import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendProvider;

/**
 * "cuda": runs only when asked for ({@code -Dsimdnn.backend=cuda}, {@code simdnn train --backend cuda}); its
 * priority is below the CPU backend's because every op copies its operands to the device and back. Where the
 * library, the driver or an sm_80+ GPU is missing, {@link #probe()} says which, and the lookup falls back to
 * the CPU backend with that reason.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override public String name() { return "cuda"; }
    @Override public int priority() { return -20; }

    @Override
    public Availability probe() {
        try {
            return CudaBackend.availability();
        } catch (RuntimeException | LinkageError e) { // probe must never throw
            return Availability.no("CUDA probe failed: " + e);
        }
    }

    @Override public Backend create() { return new CudaBackend(); }
}

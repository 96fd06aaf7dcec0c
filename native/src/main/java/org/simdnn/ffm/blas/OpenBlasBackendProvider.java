package org.simdnn.ffm.blas;

import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendProvider;

/**
 * "openblas": below the CPU backend's priority, so it runs only when asked for
 * ({@code -Dsimdnn.backend=openblas}); {@link #probe()} reports core type, threads and config, or why not.
 */
public final class OpenBlasBackendProvider implements BackendProvider {
    @Override public String name() { return "openblas"; }
    @Override public int priority() { return -10; }

    @Override
    public Availability probe() {
        try {
            return OpenBlas.availability();
        } catch (RuntimeException | LinkageError e) { // probe must never throw
            return Availability.no("OpenBLAS probe failed: " + e);
        }
    }

    @Override public Backend create() { return new OpenBlasBackend(); }
}

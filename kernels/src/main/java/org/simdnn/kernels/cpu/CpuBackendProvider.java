package org.simdnn.kernels.cpu;

import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendProvider;

/** Always available: scalar when the Vector API is not. */
public final class CpuBackendProvider implements BackendProvider {
    @Override public String name() { return "cpu"; }
    @Override public int priority() { return 0; }
    @Override public Availability probe() { return Availability.yes(CpuInfo.summary()); }
    @Override public Backend create() { return new CpuBackend(); }
}

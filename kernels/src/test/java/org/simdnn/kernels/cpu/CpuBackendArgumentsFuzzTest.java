package org.simdnn.kernels.cpu;

import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendArgumentsFuzz;
import org.simdnn.ops.Backends;

class CpuBackendArgumentsFuzzTest extends BackendArgumentsFuzz {
    @Override protected Backend backend() { return Backends.cpu(); }
}

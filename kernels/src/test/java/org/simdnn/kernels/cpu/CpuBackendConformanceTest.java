package org.simdnn.kernels.cpu;

import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendConformanceTest;
import org.simdnn.ops.Backends;

class CpuBackendConformanceTest extends BackendConformanceTest {
    @Override public Backend backend() { return Backends.cpu(); }
}

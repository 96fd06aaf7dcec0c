package org.simdnn.ffm.blas;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendConformanceTest;
import org.simdnn.ops.Backends;

class OpenBlasBackendConformanceTest extends BackendConformanceTest {
    @Override
    public Backend backend() {
        Availability a = OpenBlas.availability();
        assumeTrue(a.available(), () -> "OpenBLAS cannot load here: " + a.reason());
        return Backends.get("openblas");
    }
}

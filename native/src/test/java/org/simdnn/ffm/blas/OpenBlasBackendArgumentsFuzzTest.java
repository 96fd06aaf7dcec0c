package org.simdnn.ffm.blas;

import net.jqwik.api.lifecycle.BeforeContainer;
import org.opentest4j.TestAbortedException;
import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendArgumentsFuzz;
import org.simdnn.ops.Backends;

/** The argument fuzz on OpenBLAS: a bad size reaching native code would crash this JVM, not fail a test. */
class OpenBlasBackendArgumentsFuzzTest extends BackendArgumentsFuzz {
    @BeforeContainer
    static void requireOpenBlas() {
        Availability a = OpenBlas.availability();
        if (!a.available()) throw new TestAbortedException("OpenBLAS cannot load here: " + a.reason());
    }

    @Override protected Backend backend() { return Backends.get("openblas"); }
}

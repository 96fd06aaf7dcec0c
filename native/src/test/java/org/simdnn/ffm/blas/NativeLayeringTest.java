package org.simdnn.ffm.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.reference.Layering;

class NativeLayeringTest {
    /** The jar's resource paths (org/bytedeco/openblas/linux-x86_64/...) are fine; its classes are not. */
    @Test
    void nativeUsesOnlyKernelsAndNeverJavaCpp() {
        assertEquals(List.of(), Layering.violations(Path.of("target/classes"), "org.bytedeco.javacpp", "org.bytedeco.openblas.global",
                "org.simdnn.nn",
                "org.simdnn.bench", "org.simdnn.cli"));
    }
}

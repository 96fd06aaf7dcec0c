package org.simdnn.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.reference.Layering;

/** Diagnostics work through nn and the Backend seam: no kernels, native code, charts or CLI. */
class DiagnosticsLayeringTest {
    @Test
    void seesOnlyNnTensorAndOps() {
        Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes.resolve("org/simdnn/diagnostics")), "run from the diagnostics module");
        assertEquals(List.of(), Layering.violations(classes, "org.simdnn.kernels", "org.simdnn.ffm", "org.simdnn.bench",
                "org.simdnn.cli", "org.knowm"));
    }
}

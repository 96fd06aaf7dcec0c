package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.reference.Layering;

/** nn sees only kernels' tensor and ops packages (the Backend seam), never the kernels themselves. */
class NnLayeringTest {
    @Test
    void nnSeesOnlyTensorAndOps() {
        Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes.resolve("org/simdnn/nn")), "run from the nn module");
        assertEquals(List.of(), Layering.violations(classes, "org.simdnn.kernels", "org.simdnn.ffm",
                "org.simdnn.bench", "org.simdnn.cli"));
    }
}

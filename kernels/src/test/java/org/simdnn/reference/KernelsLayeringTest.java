package org.simdnn.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelsLayeringTest {
    @Test
    void kernelsDependOnNothingOfOurs() {
        Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes.resolve("org/simdnn/tensor")), "run from the kernels module");
        assertEquals(List.of(), Layering.violations(classes, "org.simdnn.nn", "org.simdnn.ffm", "org.simdnn.bench",
                "org.simdnn.cli"));
    }
}

package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.reference.Layering;

/**
 * onnx computes through the Backend seam; from the kernels it uses only the layout helpers and the conv
 * planner's report of its pick. It never sees native code, benchmarks or the command line.
 */
class OnnxLayeringTest {
    @Test
    void onnxSeesNoNativeBenchOrCli() {
        Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes.resolve("org/simdnn/onnx")), "run from the onnx module");
        assertEquals(List.of(), Layering.violations(classes, "org.simdnn.ffm", "org.simdnn.bench", "org.simdnn.cli",
                "org.simdnn.kernels.gemm", "org.simdnn.kernels.cpu", "org.simdnn.kernels.eltwise"));
    }
}

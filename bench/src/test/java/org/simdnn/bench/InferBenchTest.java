package org.simdnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.bench.report.ParamPlan;

/**
 * The infer suite's setup and benchmark method, called directly (no JMH fork): both runtimes load the same bytes,
 * agree on the output before anything is timed, and run; missing torchvision files are a skip with the reason.
 */
class InferBenchTest {
    static InferBench bench(String shape, String impl, int threads) {
        InferBench b = new InferBench();
        b.shape = shape;
        b.impl = impl;
        b.threads = threads;
        return b;
    }

    /** Both impls on the reference CNN at small batches, 1 and 2 threads: setup verifies, then calls run. */
    @Test
    void referenceCnnAgreesWithOnnxRuntimeAndRuns() throws Exception {
        for (String shape : new String[] {"cnn-b1", "cnn-b3"}) {
            for (String impl : new String[] {"simdnn", "onnxruntime"}) {
                for (int t : new int[] {1, 2}) {
                    InferBench b = bench(shape, impl, t);
                    b.setup();
                    try {
                        for (int i = 0; i < 3; i++) assertNotNull(b.infer());
                    } finally {
                        b.tearDown();
                    }
                }
            }
        }
    }

    /** The torchvision models (when their files are in the cache; the unit tests do not run the export). */
    @Test
    void torchvisionModelsAgreeWithOnnxRuntime() throws Exception {
        for (String model : new String[] {"mobilenet_v2", "resnet18"}) {
            assumeTrue(Files.isRegularFile(TorchvisionModels.dir().resolve(model + ".onnx")),
                    model + ".onnx not in " + TorchvisionModels.dir() + " (onnx/scripts/export_torchvision.py makes it)");
            InferBench b = bench(model + "-b2", "simdnn", 2);
            b.setup();
            b.tearDown();
        }
    }

    @Test
    void shapesParseAndNameTheirBatch() {
        List<String> declared = ParamPlan.declared(InferBench.class).get("shape");
        for (String s : declared) assertTrue(InferBench.items(s) >= 1, s);
        assertEquals(256, InferBench.items("cnn-b256"));
        assertEquals(List.of(1, 1, 28, 28), boxed(InferBench.Workload.parse("cnn-b1").input()));
        assertEquals(List.of(32, 3, 224, 224), boxed(InferBench.Workload.parse("resnet18-b32").input()));
        for (String q : InferBench.QUICK_SHAPES) assertTrue(declared.contains(q), q);
        var e = assertThrows(IllegalArgumentException.class, () -> InferBench.Workload.parse("vgg16-b1"));
        assertTrue(e.getMessage().contains("vgg16-b1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InferBench.Workload.parse("cnn-b0"));
        assertThrows(IllegalArgumentException.class, () -> bench("cnn-b1", "pytorch", 1).setup());
    }

    @Test
    void aMissingModelWithoutTheScriptIsASkipWithTheReason(@TempDir Path dir) {
        var e = assertThrows(UnsupportedOperationException.class,
                () -> TorchvisionModels.file("resnet18", dir, dir.resolve("no-such-script.py")));
        assertTrue(e.getMessage().startsWith("skip: ") && e.getMessage().contains("resnet18.onnx is missing"), e.getMessage());
    }

    @Test
    void relativeErrorSeesSizeNanAndScale() {
        assertEquals(0.5, InferBench.relativeError(new float[] {1, 3}, new float[] {2, 4}) * 2, 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, InferBench.relativeError(new float[] {1}, new float[] {1, 2}));
        assertEquals(Double.POSITIVE_INFINITY, InferBench.relativeError(new float[] {Float.NaN}, new float[] {1}));
    }

    private static List<Integer> boxed(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}

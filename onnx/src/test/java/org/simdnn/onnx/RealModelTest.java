package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.nn.io.Npy;
import org.simdnn.reference.PythonProbe;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * ResNet-18, MobileNetV2 and SqueezeNet 1.1 built by torchvision with random weights, exported by PyTorch
 * ({@code onnx/scripts/export_torchvision.py}, into a cache outside the source tree), run by {@link OnnxModel} and
 * compared with PyTorch's output for the same input. Relative error = {@code max|ours - torch| / max|torch|}
 * over the whole [2, 1000] output; it must be at most 1e-4. Skips, with the reason, without torch + torchvision.
 */
class RealModelTest {
    static final double TOLERANCE = 1e-4;
    private static Path cache;
    private static String cacheFailure;

    /** Runs the export script once (it skips the work when its cache is current). */
    static synchronized Path models() throws IOException, InterruptedException {
        if (cache != null || cacheFailure != null) return cache;
        String py = PythonProbe.find("torch", "torchvision", "numpy");
        if (py == null) {
            cacheFailure = "no python3 with torch and torchvision (apt-get install python3-torch python3-torchvision)";
            return null;
        }
        Process p = new ProcessBuilder(py, "scripts/export_torchvision.py").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("export_torchvision.py did not finish in 30 minutes");
        }
        assertEquals(0, p.exitValue(), "export_torchvision.py failed:\n" + out);
        String[] lines = out.strip().split("\n");
        cache = Path.of(lines[lines.length - 1]);
        return cache;
    }

    /** max|a - b| / max|b|. */
    static double relativeError(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, "output size");
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(actual[i])) return Double.POSITIVE_INFINITY;
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "mobilenet_v2", "squeezenet1_1"})
    void matchesPyTorch(String name) throws Exception {
        Path dir = models();
        assumeTrue(dir != null, cacheFailure);
        OnnxModel model = OnnxModel.load(dir.resolve(name + ".onnx"));
        Tensor x = Npy.read(dir.resolve(name + ".input.npy"));
        Tensor expected = Npy.read(dir.resolve(name + ".output.npy"));
        Map<String, Tensor> out = model.run(Map.of("input", x.reshape(Layout.NCHW, x.shape())));
        Tensor y = out.get("logits");
        assertArrayEquals(expected.shape(), y.shape(), name + " output shape");
        double err = relativeError(y.contiguous().toArray(), expected.toArray());
        System.out.printf("%s: relative error vs PyTorch %.2e%n", name, err);
        assertTrue(err <= TOLERANCE, name + ": relative error " + err + " > " + TOLERANCE);
    }

    /** The fused plan (kernel epilogues) against the unfused one (one step per node) on the same input. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "mobilenet_v2"})
    void fusedPlanMatchesUnfused(String name) throws Exception {
        Path dir = models();
        assumeTrue(dir != null, cacheFailure);
        byte[] bytes = java.nio.file.Files.readAllBytes(dir.resolve(name + ".onnx"));
        OnnxModel fused = OnnxModel.load(bytes, dir, Map.of(), true), plain = OnnxModel.load(bytes, dir, Map.of(), false);
        assertTrue(fused.describe().contains("fused"), name + ": nothing fused");
        Tensor x = Npy.read(dir.resolve(name + ".input.npy"));
        Map<String, Tensor> in = Map.of("input", x.reshape(Layout.NCHW, x.shape()));
        double err = relativeError(fused.run(in).get("logits").toArray(), plain.run(in).get("logits").toArray());
        assertTrue(err <= 1e-5, name + ": fused vs unfused relative error " + err);
    }
}

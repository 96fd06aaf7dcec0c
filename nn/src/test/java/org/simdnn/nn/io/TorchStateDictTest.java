package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.BatchNorm2d;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.Linear;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.Sequential;
import org.simdnn.reference.PythonProbe;
import org.simdnn.tensor.Tensor;

/**
 * A state dict written by PyTorch (src/test/python/torch_state_dict.py: conv, batch norm, grouped conv, flatten,
 * linear) loads into the same simdnn architecture and gives PyTorch's outputs on PyTorch's input.
 */
class TorchStateDictTest {
    @TempDir Path dir;

    private static Sequential sameArchitecture() {
        return new Sequential(
                new Conv2d(3, 8, 3, 1, 1), new BatchNorm2d(8).withRelu(),
                Conv2d.builder(8, 8).kernel(3).stride(2).pad(1).groups(2).bias(false).build(), new ReLU(),
                new Flatten(), new Linear(8 * 4 * 4, 16), new ReLU(), new Linear(16, 10));
    }

    private Map<String, Tensor> writeWithPyTorch() throws IOException, InterruptedException {
        String py = PythonProbe.find("torch");
        Assumptions.assumeTrue(py != null, "no python3 with torch (apt-get install python3-torch)");
        Process p = new ProcessBuilder(py, "src/test/python/torch_state_dict.py", dir.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        return SafeTensors.read(dir.resolve("io.safetensors")).tensors();
    }

    @Test
    void pyTorchWeightsGivePyTorchOutputs() throws Exception {
        Map<String, Tensor> io = writeWithPyTorch();
        Sequential model = sameArchitecture();
        TorchStateDict.load(dir.resolve("cnn.safetensors"), model, 1, 8, 8, 3);
        model.eval();
        Tensor nchw = io.get("input");
        Tensor x = nchw.transpose(1, 2).transpose(2, 3).contiguous();     // [n, c, h, w] -> [n, h, w, c]
        float[] y = model.forward(x).toArray(), want = io.get("output").toArray();
        assertEquals(want.length, y.length);
        for (int i = 0; i < y.length; i++) assertEquals(want[i], y[i], 1e-4 + 1e-4 * Math.abs(want[i]), "output " + i);
    }

    @Test
    void aDifferentArchitectureIsRefusedByName() throws Exception {
        writeWithPyTorch();
        Sequential wider = new Sequential(
                new Conv2d(3, 8, 3, 1, 1), new BatchNorm2d(8).withRelu(),
                Conv2d.builder(8, 8).kernel(3).stride(2).pad(1).groups(2).bias(false).build(), new ReLU(),
                new Flatten(), new Linear(8 * 4 * 4, 32), new ReLU(), new Linear(32, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TorchStateDict.load(dir.resolve("cnn.safetensors"), wider, 1, 8, 8, 3));
        assertTrue(e.getMessage().contains("'6.weight' [16, 128]"), e.getMessage());
        Sequential shorter = new Sequential(new Conv2d(3, 8, 3, 1, 1), new Flatten(), new Linear(8 * 8 * 8, 10));
        e = assertThrows(IllegalArgumentException.class,
                () -> TorchStateDict.load(dir.resolve("cnn.safetensors"), shorter, 1, 8, 8, 3));
        assertTrue(e.getMessage().contains("5 modules with tensors"), e.getMessage());
    }

    @Test
    void modulePathsSortNumerically() {
        assertTrue(TorchStateDict.comparePaths("2", "10") < 0);
        assertTrue(TorchStateDict.comparePaths("features.3", "features.10") < 0);
        assertTrue(TorchStateDict.comparePaths("features.10", "head") < 0);
        assertEquals(0, TorchStateDict.comparePaths("1.0", "1.0"));
    }
}

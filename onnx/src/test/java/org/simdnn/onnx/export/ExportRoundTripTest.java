package org.simdnn.onnx.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.Module;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.PerceptronTrainer;
import org.simdnn.onnx.OnnxModel;
import org.simdnn.tensor.Tensor;

/** simdnn model → ONNX file → {@link OnnxModel}: the same outputs as the model's own forward (ExportTest's error). */
class ExportRoundTripTest {
    @TempDir Path dir;

    private void roundTrip(String what, Module m, int[] sample) throws Exception {
        Path f = dir.resolve(what + ".onnx");
        OnnxExport.write(m, sample, f);
        OnnxModel loaded = OnnxModel.load(f);
        for (int n : new int[] {1, 4}) {
            Tensor x = ExportTest.onnxInput(n, sample, 31 + n);
            Tensor y = loaded.run(Map.of(OnnxExport.INPUT, x)).get(OnnxExport.OUTPUT);
            double err = ExportTest.error(y.contiguous().toArray(), ExportTest.simdnnForward(m, x));
            System.out.printf("round trip %s batch %d: error %.2e%n", what, n, err);
            assertTrue(err <= ExportTest.TOLERANCE, what + " batch " + n + ": error " + err);
        }
    }

    @Test
    void trainModelsComeBackUnchanged() throws Exception {
        roundTrip("cnn", ExportTest.randomized(Models.cnn(1), 2), new int[] {28, 28, 1});
        roundTrip("mlp", ExportTest.randomized(Models.mlp(1), 3), new int[] {784});
        roundTrip("perceptron", ExportTest.randomized(PerceptronTrainer.newModel(784, 10), 4), new int[] {784});
    }
}

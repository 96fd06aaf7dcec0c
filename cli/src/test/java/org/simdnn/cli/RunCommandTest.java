package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.Module;
import org.simdnn.nn.io.Npy;
import org.simdnn.nn.train.Models;
import org.simdnn.onnx.export.OnnxExport;
import org.simdnn.tensor.Tensor;

/** `simdnn run` and `inspect` on an exported MLP: .npy in, .npy out, the model's own numbers; one-line errors. */
class RunCommandTest {
    @TempDir Path dir;
    private Module mlp;
    private Path onnx;

    @BeforeEach
    void export() throws Exception {
        mlp = Models.mlp(3);
        mlp.eval();
        onnx = dir.resolve("mlp.onnx");
        OnnxExport.write(mlp, new int[] {784}, onnx);
    }

    @Test
    void runsNpyInputsAndWritesTheOutputs() throws Exception {
        Tensor x = Tensor.zeros(3, 784);
        for (int i = 0; i < x.size(); i++) x.data()[i] = (float) Math.sin(i * 0.37);
        Npy.write(dir.resolve("x.npy"), x);
        TrainCommandTest.Run r = TrainCommandTest.run("run", onnx.toString(), "--input", "input=" + dir.resolve("x.npy"), "--output-dir",
                dir.resolve("out").toString(), "--repeat", "3", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("logits [3, 10] -> " + dir.resolve("out").resolve("logits.npy")), r.out());
        assertTrue(r.out().matches("(?s).*first call: [0-9.]+ ms  median of 2: [0-9.]+ ms  images/s: [0-9.]+.*"), r.out());
        Tensor y = Npy.read(dir.resolve("out").resolve("logits.npy"));
        assertArrayEquals(new int[] {3, 10}, y.shape());
        float[] expected = mlp.forward(x, false).toArray(), actual = y.toArray();
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])));
        // One input: NAME= may be left out.
        assertEquals(0, TrainCommandTest.run("run", onnx.toString(), "--input", dir.resolve("x.npy").toString(), "--repeat", "1").code());
    }

    @Test
    void randomInputsTakeTheBatch() {
        TrainCommandTest.Run r = TrainCommandTest.run("run", onnx.toString(), "--random", "--batch", "5", "--repeat", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("logits [5, 10]"), r.out());
    }

    @Test
    void inspectPrintsThePlanParametersAndFlops() {
        TrainCommandTest.Run r = TrainCommandTest.run("inspect", onnx.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("inputs:  input [?, 784]"), r.out());
        assertTrue(r.out().contains("parameters: 203,530"), r.out());
        assertTrue(r.out().contains("FLOPs (batch 1)"), r.out());
    }

    private static void oneLineError(TrainCommandTest.Run r, String... fragments) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        for (String f : fragments) assertTrue(r.err().contains(f), r.err());
    }

    @Test
    void userErrorsAreOneLineWithExitCode2() throws Exception {
        oneLineError(TrainCommandTest.run("run", dir.resolve("missing.onnx").toString(), "--random"), "simdnn run: ", "missing.onnx");
        Files.writeString(dir.resolve("junk.onnx"), "this is not protobuf");
        oneLineError(TrainCommandTest.run("run", dir.resolve("junk.onnx").toString(), "--random"), "simdnn run: ");
        oneLineError(TrainCommandTest.run("run", onnx.toString()), "no data for input 'input' [?, 784]", "--random");
        oneLineError(TrainCommandTest.run("run", onnx.toString(), "--input", "image=x.npy"), "no input 'image'", "input [?, 784]");
        Npy.write(dir.resolve("wrong.npy"), Tensor.zeros(2, 783));
        oneLineError(TrainCommandTest.run("run", onnx.toString(), "--input", "input=" + dir.resolve("wrong.npy")), "[2, 783]", "[?, 784]");
        oneLineError(TrainCommandTest.run("run", onnx.toString(), "--input", "input=" + dir.resolve("none.npy")), "none.npy");
        oneLineError(TrainCommandTest.run("run", onnx.toString(), "--random", "--repeat", "0"), "--repeat");
        oneLineError(TrainCommandTest.run("inspect", dir.resolve("missing.onnx").toString()), "simdnn inspect: ");
    }
}

package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Models;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;

/** `simdnn export` writes a loadable ONNX file; user errors are one line and exit code 2. */
class ExportCommandTest {
    @TempDir Path dir;

    @Test
    void exportsTheCnnAndTheMlp() throws Exception {
        ModelIo.save(dir.resolve("cnn.safetensors"), Models.cnn(1));
        ModelIo.save(dir.resolve("mlp.safetensors"), Models.mlp(1));
        TrainCommandTest.Run r = TrainCommandTest.run("export", "--model-file", dir.resolve("cnn.safetensors").toString(), "--onnx", dir.resolve("cnn.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("input 'input' [batch, 1, 28, 28], output 'logits'"), r.out());
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("cnn.onnx")));
        assertEquals(17, m.getOpsetImport(0).getVersion());
        r = TrainCommandTest.run("export", "--model-file", dir.resolve("mlp.safetensors").toString(), "--onnx", dir.resolve("mlp.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("[batch, 784]"), r.out());
    }

    /** --model: a freshly initialised built-in network, the same bytes for the same seed. */
    @Test
    void exportsAFreshBuiltInModel() throws Exception {
        TrainCommandTest.Run r = TrainCommandTest.run("export", "--model", "cnn", "--seed", "7", "--onnx", dir.resolve("a.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("input 'input' [batch, 1, 28, 28]"), r.out());
        TrainCommandTest.run("export", "--model", "cnn", "--seed", "7", "--onnx", dir.resolve("b.onnx").toString());
        assertEquals(-1, Files.mismatch(dir.resolve("a.onnx"), dir.resolve("b.onnx")));
        r = TrainCommandTest.run("export", "--model", "resnet", "--onnx", dir.resolve("c.onnx").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown model 'resnet'"), r.err());
        r = TrainCommandTest.run("export", "--model", "cnn", "--model-file", "x", "--onnx", dir.resolve("c.onnx").toString());
        assertEquals(2, r.code(), "--model and --model-file exclude each other");
    }

    @Test
    void userErrorsAreOneLineWithExitCode2() throws Exception {
        TrainCommandTest.Run r = TrainCommandTest.run("export", "--model-file", dir.resolve("missing.safetensors").toString(), "--onnx", dir.resolve("x.onnx").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("simdnn export: no such file: "), r.err());
        Files.writeString(dir.resolve("junk.safetensors"), "not a model");
        r = TrainCommandTest.run("export", "--model-file", dir.resolve("junk.safetensors").toString(), "--onnx", dir.resolve("x.onnx").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(!Files.exists(dir.resolve("x.onnx")), "nothing written");
    }
}

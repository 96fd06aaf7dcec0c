package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.nn.Module;
import org.simdnn.nn.io.Architecture;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.PerceptronTrainer;
import picocli.CommandLine;

/** `simdnn train` / `eval` end to end on a small IDX directory (the perceptron: no kernel but GEMM needed). */
class TrainCommandTest {
    @TempDir Path dir;

    /** The closing line scripts parse, in exactly this form (the wall seconds count from the process's start). */
    static final Pattern FINAL = Pattern.compile(
            "(?m)^test accuracy: \\d\\.\\d{4}  epoch seconds \\(median\\): \\d+\\.\\d  images/s: \\d+  wall seconds: \\d+\\.\\d$");

    private static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        return b.put(data).array();
    }

    /** Class k lights rows [2k, 2k+3) of a 28x28 image. */
    static void writeData(Path d, int n, int m) throws IOException {
        Files.createDirectories(d);
        for (String set : new String[] {"train", "t10k"}) {
            int count = set.equals("train") ? n : m;
            byte[] px = new byte[count * 784], lb = new byte[count];
            for (int i = 0; i < count; i++) {
                int k = (i * 7) % 10;
                lb[i] = (byte) k;
                for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) (p / 28 >= 2 * k && p / 28 < 2 * k + 3 ? 220 : (i * p) % 40);
            }
            Files.write(d.resolve(set + "-images-idx3-ubyte"), idx(new int[] {count, 28, 28}, px));
            Files.write(d.resolve(set + "-labels-idx1-ubyte"), idx(new int[] {count}, lb));
        }
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = Main.commandLine(); // the error handling ./simdnn has
            cl.setErr(new PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void anUnavailableBackendFallsBackToTheCpuAndSaysWhy() throws IOException {
        var cuda = org.simdnn.ops.Backends.providers().stream().filter(p -> p.name().equals("cuda")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assumptions.assumeFalse(cuda.probe().available(), "a GPU is here: cuda runs");
        Path data = dir.resolve("data");
        writeData(data, 300, 100);
        String keep = System.getProperty("simdnn.backend");
        try {
            Run r = run("train", "--model", "mlp", "--epochs", "1", "--threads", "1", "--data", data.toString(),
                    "--save", dir.resolve("m.safetensors").toString(), "--no-progress", "--backend", "cuda");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("backend: backend 'cuda' is unavailable: " + cuda.probe().reason()
                    + "; training on the cpu backend"), r.out());
            assertTrue(FINAL.matcher(r.out()).find(), r.out());
            Run bad = run("train", "--model", "mlp", "--data", data.toString(), "--backend", "tpu");
            assertEquals(2, bad.code());
            assertTrue(bad.err().contains("no backend named 'tpu'"), bad.err());
        } finally {
            if (keep == null) System.clearProperty("simdnn.backend");
            else System.setProperty("simdnn.backend", keep);
        }
    }

    @Test
    void trainsSavesResumesAndEvaluatesThePerceptron() throws IOException {
        Path data = dir.resolve("data"), model = dir.resolve("p.safetensors");
        writeData(data, 600, 200);
        Run r = run("train", "--model", "perceptron", "--epochs", "1", "--threads", "1", "--data", data.toString(),
                "--save", model.toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertTrue(FINAL.matcher(r.out()).find(), r.out());
        assertTrue(r.out().contains("epoch 1/1"), r.out());
        assertTrue(Files.exists(model) && Files.exists(dir.resolve("p.ckpt.safetensors")));

        Run resumed = run("train", "--model", "perceptron", "--epochs", "2", "--data", data.toString(), "--save",
                model.toString(), "--resume", dir.resolve("p.ckpt.safetensors").toString(), "--no-progress");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed from") && resumed.out().contains("epoch 2/2")
                && !resumed.out().contains("epoch 1/2"), resumed.out());

        Run e = run("eval", "--model-file", model.toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        var m = Pattern.compile("test accuracy: (\\d\\.\\d{4})").matcher(e.out());
        assertTrue(m.find(), e.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0.9, e.out());
    }

    /**
     * Every model kind's model file and checkpoint open with {@code ModelIo.load}, rebuild the network the command
     * line trains, and record the input normalisation, so {@code eval} of the file repeats the run's last accuracy.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cnn", "mlp", "perceptron"})
    void everyFileTrainWritesLoadsWithModelIo(String kind) throws IOException {
        Path data = dir.resolve("data"), model = dir.resolve(kind + ".safetensors");
        writeData(data, 64, 40);
        Run r = run("train", "--model", kind, "--epochs", "1", "--threads", "1", "--data", data.toString(),
                "--save", model.toString(), "--no-progress");
        assertEquals(0, r.code(), r.err());
        String expected = Architecture.toJson(kind.equals("perceptron") ? PerceptronTrainer.newModel(784, 10) : Models.build(kind, 42));
        Module fromModel = ModelIo.load(model);
        ModelIo.Checkpoint fromCkpt = ModelIo.loadCheckpoint(dir.resolve(kind + ".ckpt.safetensors"));
        assertEquals(expected, Architecture.toJson(fromModel));
        assertEquals(expected, Architecture.toJson(fromCkpt.model()));
        assertFalse(fromCkpt.optimizerState().isEmpty(), "the checkpoint holds the trainer's state");
        for (var e : ModelIo.stateDict(fromModel).entrySet()) {
            assertArrayEquals(e.getValue().toArray(), ModelIo.stateDict(fromCkpt.model()).get(e.getKey()).toArray(), e.getKey());
        }
        assertEquals("1", fromCkpt.metadata().get("epochs_done"));
        assertTrue(fromCkpt.metadata().containsKey(TrainEvalSetup.INPUT_MEAN), fromCkpt.metadata().toString());

        Run e = run("eval", "--model-file", model.toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(accuracy(r.out()), accuracy(e.out()), "eval repeats the run's accuracy\n" + r.out() + e.out());
    }

    private static String accuracy(String out) {
        Matcher m = Pattern.compile("test accuracy: (\\d\\.\\d{4})").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    @Test
    void aCheckpointOfAnotherModelOrAMissingFileIsRefused() throws IOException {
        Path data = dir.resolve("data"), model = dir.resolve("p.safetensors");
        writeData(data, 64, 20);
        assertEquals(0, run("train", "--model", "perceptron", "--data", data.toString(), "--save", model.toString(),
                "--no-progress").code());
        Run r = run("train", "--model", "mlp", "--data", data.toString(), "--resume", dir.resolve("p.ckpt.safetensors").toString(),
                "--save", dir.resolve("m.safetensors").toString(), "--no-progress");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("checkpoint of model 'perceptron', not 'mlp'"), r.err());
        Run missing = run("eval", "--model-file", dir.resolve("none.safetensors").toString(), "--data", data.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file: " + dir.resolve("none.safetensors")), missing.err());
    }

    /**
     * The fast preset end to end on a few images: its header, epoch lines with the wall time (what
     * scripts/time-to-94.sh reads), the closing line; its model file holds the averaged weights when the EMA is on,
     * and eval repeats the run's accuracy when the evaluation is not flip-averaged.
     */
    @Test
    void thePresetRunsWithItsLeversAndOverrides() throws IOException {
        Path data = dir.resolve("data"), model = dir.resolve("fast.safetensors");
        writeData(data, 96, 40);
        Run r = run("train", "--preset", "fast", "--epochs", "2", "--batch", "32", "--threads", "1", "--data", data.toString(),
                "--save", model.toString(), "--no-progress", "--ema", "0.9", "--tta", "none", "--eval-variants");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("simdnn train: cnn (preset fast), 2 epochs, batch 32"), r.out());
        assertTrue(r.out().contains(", channels 16/64, EMA 0.9"), r.out());
        // the preset evaluates the test set after its last epoch only
        assertTrue(Pattern.compile("(?m)^epoch 1/2  train loss \\d\\.\\d{4}  test not evaluated  .*  wall \\d+\\.\\d s$").matcher(r.out()).find(), r.out());
        assertTrue(Pattern.compile("(?m)^epoch 2/2  .*  wall \\d+\\.\\d s  \\(no EMA \\d\\.\\d{4}\\)$").matcher(r.out()).find(), r.out());
        assertTrue(FINAL.matcher(r.out()).find(), r.out());
        Run e = run("eval", "--model-file", model.toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(accuracy(r.out()), accuracy(e.out()), "the model file holds the evaluated (averaged) weights\n" + r.out() + e.out());

        Run flip = run("train", "--preset", "fast", "--epochs", "1", "--batch", "32", "--threads", "1", "--data", data.toString(),
                "--save", model.toString(), "--no-progress", "--tta", "flip", "--eval-variants");
        assertEquals(0, flip.code(), flip.err());
        assertTrue(Pattern.compile("(?m)^epoch 1/1  .*\\(no flip \\d\\.\\d{4}").matcher(flip.out()).find(), flip.out());

        Run every = run("train", "--preset", "fast", "--epochs", "2", "--batch", "32", "--threads", "1", "--data", data.toString(),
                "--save", model.toString(), "--no-progress", "--eval-every", "1", "--train-limit", "64");
        assertEquals(0, every.code(), every.err());
        assertTrue(Pattern.compile("(?m)^epoch 1/2  train loss \\d\\.\\d{4}  test accuracy \\d\\.\\d{4}  ").matcher(every.out()).find(), every.out());
        assertEquals(2, run("train", "--eval-every", "0", "--data", data.toString()).code());

        Run narrow = run("train", "--preset", "fast", "--epochs", "1", "--batch", "32", "--threads", "1", "--data", data.toString(),
                "--save", model.toString(), "--no-progress", "--channels", "8,16", "--momentum", "0.95");
        assertEquals(0, narrow.code(), narrow.err());
        assertTrue(narrow.out().contains(", channels 8/16, momentum 0.95"), narrow.out());
        Run evalNarrow = run("eval", "--model-file", model.toString(), "--data", data.toString());
        assertEquals(0, evalNarrow.code(), evalNarrow.err());
        assertEquals(accuracy(narrow.out()), accuracy(evalNarrow.out()), "the file rebuilds the narrow network\n" + narrow.out());
        Run badWidth = run("train", "--channels", "16", "--data", data.toString());
        assertEquals(2, badWidth.code());
        assertTrue(badWidth.err().contains("--channels takes two widths"), badWidth.err());
        assertEquals(2, run("train", "--momentum", "1.5", "--data", data.toString()).code());

        Run bad = run("train", "--preset", "fast", "--model", "mlp", "--data", data.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--preset fast trains the cnn, not --model mlp"), bad.err());
        assertEquals(2, run("train", "--preset", "quick", "--data", data.toString()).code());
        Run drop = run("train", "--dropout", "0.1", "--data", data.toString());
        assertEquals(2, drop.code());
        assertTrue(drop.err().contains("--dropout takes two rates"), drop.err());
        assertEquals(2, run("train", "--model", "perceptron", "--ema", "0.9", "--data", data.toString()).code());
        assertEquals(2, run("train", "--tta", "crop", "--data", data.toString()).code());
    }

    @Test
    void theCheckpointSitsBesideTheModelFile() {
        assertEquals(Path.of("out/m.ckpt.safetensors"), TrainCommand.checkpointFor(Path.of("out/m.safetensors")));
        assertEquals(Path.of("m.bin.ckpt.safetensors"), TrainCommand.checkpointFor(Path.of("m.bin")));
    }

    @Test
    void missingDataAndBadArgumentsExitNonZero() throws IOException {
        Run r = run("train", "--model", "perceptron", "--data", dir.resolve("nothing").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nothing: no such directory"), r.err());
        r = run("train", "--model", "perceptron", "--data", Files.createDirectories(dir.resolve("empty")).toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lacks the IDX files"), r.err());
        assertEquals(2, run("train", "--model", "resnet").code());
        assertEquals(2, run("train", "--model", "mlp", "--augment", "rotate", "--data", dir.toString()).code());
    }
}

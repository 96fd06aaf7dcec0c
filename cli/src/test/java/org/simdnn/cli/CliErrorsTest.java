package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.io.Npy;
import org.simdnn.tensor.Tensor;

/**
 * The command line's error matrix, run in-process through {@link Main#commandLine()} (what {@code ./simdnn}
 * runs): zero, negative, huge, NaN and non-numeric values for every numeric option of train, eval, bench, run,
 * export and inspect; missing, unreadable, directory and foreign files (random bytes, text, an ONNX file where
 * a model file is expected and the reverse) where a file is read; outputs that cannot be written. Each case
 * must exit with code 2, print exactly one line on stderr that starts with the command and names the option,
 * value or file, print no stack trace, and print nothing on stdout: the error comes before any work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliErrorsTest {
    @TempDir
    static Path dir;
    private Path data, text, noise, unreadable, model, checkpoint, onnx, npy;

    @BeforeAll
    void files() throws IOException {
        data = dir.resolve("data");
        TrainCommandTest.writeData(data, 20, 20);
        text = Files.writeString(dir.resolve("text.safetensors"), "this is not a model file at all\n");
        byte[] bytes = new byte[3000];
        new Random(7).nextBytes(bytes);
        noise = Files.write(dir.resolve("noise.bin"), bytes);
        unreadable = Files.write(dir.resolve("unreadable.safetensors"), new byte[64]); // root reads it: then it is foreign
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
        model = dir.resolve("plain.safetensors");
        checkpoint = TrainCommand.checkpointFor(model);
        TrainCommandTest.Run ok = TrainCommandTest.run("train", "--model", "perceptron", "--data", data.toString(),
                "--epochs", "1", "--no-progress", "--save", model.toString());
        assertEquals(0, ok.code(), ok.err());
        onnx = dir.resolve("plain.onnx");
        ok = TrainCommandTest.run("export", "--model-file", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, ok.code(), ok.err());
        Files.createDirectories(dir.resolve("sub.ckpt.safetensors"));
        npy = dir.resolve("x.npy");
        Npy.write(npy, Tensor.zeros(1, 784));
    }

    /** A case: the arguments (with {@code $DIR}, {@code $MODEL} ... filled in) and what the error must name. */
    record Case(String needle, List<String> args) {
        @Override
        public String toString() { return String.join(" ", args); }
    }

    private static Case c(String needle, String... args) { return new Case(needle, List.of(args)); }

    private static final String[] COUNTS = {"0", "-1", "2147483648", "99999999999999999999", "NaN", "ten", "1.5", ""};
    private static final String[] RATES = {"0", "-1", "NaN", "Infinity", "-Infinity", "1e39", "ten", ""};

    /** The numeric options, each with every bad value; train and eval get tiny data, run and inspect a model. */
    Stream<Case> optionValues() {
        List<Case> c = new ArrayList<>();
        String[][] counted = {
                {"train", "--epochs"}, {"train", "--batch"}, {"train", "--train-limit"}, {"train", "--threads"},
                {"train", "--test-limit"}, {"eval", "--threads"}, {"eval", "--test-limit"},
                {"run", "--batch"}, {"run", "--threads"}, {"run", "--repeat"},
                {"export", "--image-size"}, {"inspect", "--batch"}, {"bench", "--threads"},
                {"diagnose", "--batch"}, {"diagnose", "--depth"}, {"diagnose", "--width"}, {"diagnose", "--threads"},
                {"hessian", "--batch"}, {"hessian", "--top-k"}, {"hessian", "--probes"}, {"hessian", "--threads"},
                {"tune-batch", "--from"}, {"tune-batch", "--to"}, {"tune-batch", "--every"}, {"tune-batch", "--repeats"},
                {"tune-batch", "--images-per-run"}, {"tune-batch", "--threads"}};
        for (String[] o : counted) {
            for (String v : COUNTS) {
                c.add(switch (o[0]) {
                    case "run" -> c(o[1], "run", "$ONNX", "--random", o[1], v);
                    case "inspect" -> c(o[1], "inspect", "$ONNX", o[1], v);
                    case "bench" -> c(o[1], "bench", "gemm", o[1], v);
                    default -> c(o[1], o[0], o[1], v);
                });
            }
        }
        for (String v : new String[] {"100000", "2147483647"}) {
            c.add(c("--threads", "train", "--threads", v));
            c.add(c("--threads", "run", "$ONNX", "--random", "--threads", v));
            c.add(c("--threads", "bench", "gemm", "--threads", "1," + v));
            c.add(c("--image-size", "export", "--image-size", v));
        }
        for (String v : new String[] {"-1", "2147483648", "NaN", "ten", "0.5"}) c.add(c("--warmup-epochs", "train", "--warmup-epochs", v));
        for (String v : RATES) c.add(c("--lr", "train", "--model", "mlp", "--lr", v));
        for (String v : new String[] {"-0.1", "1", "1.5", "NaN", "Infinity", "ten"}) {
            c.add(c("--label-smoothing", "train", "--model", "mlp", "--label-smoothing", v));
        }
        for (String v : new String[] {"NaN", "99999999999999999999", "ten", "1e3"}) c.add(c("--seed", "train", "--seed", v));
        c.add(c("resnet", "train", "--model", "resnet"));
        c.add(c("sideways", "train", "--augment", "sideways"));
        c.add(c("sometimes", "train", "--schedule", "sometimes"));
        c.add(c("abacus", "train", "--backend", "abacus"));
        c.add(c("--no-such-option", "train", "--no-such-option"));
        c.add(c("no-such-suite", "bench", "no-such-suite"));
        c.add(c("suite", "bench"));
        return c.stream();
    }

    /** Inputs that are missing, unreadable, a directory or something else than the option reads. */
    Stream<Case> inputFiles() {
        List<Case> c = new ArrayList<>();
        for (String f : new String[] {"$DIR/missing.safetensors", "$UNREADABLE", "$TEXT", "$NOISE", "$DIR", "$ONNX",
                "$DATA/train-images-idx3-ubyte"}) {
            c.add(c(f, "eval", "--model-file", f));
            c.add(c(f, "export", "--model-file", f, "--onnx", "$DIR/out.onnx"));
            c.add(c(f, "train", "--resume", f));
            c.add(c(f, "diagnose", "--model-file", f, "--data", "$DATA"));
        }
        for (String f : new String[] {"$DIR/missing.onnx", "$UNREADABLE", "$TEXT", "$NOISE", "$DIR", "$MODEL", "$NPY"}) {
            c.add(c(f, "run", f, "--random"));
            c.add(c(f, "inspect", f));
        }
        for (String f : new String[] {"$DIR/missing.npy", "$UNREADABLE", "$TEXT", "$NOISE", "$DIR", "$MODEL", "$ONNX"}) {
            c.add(c(f, "run", "$ONNX", "--input", f));
        }
        c.add(c("$MODEL", "train", "--resume", "$MODEL")); // a model file without optimizer state
        c.add(c("'perceptron'", "train", "--model", "mlp", "--resume", "$CHECKPOINT")); // another model's checkpoint
        for (String d : new String[] {"$DIR/nowhere", "$DIR", "$TEXT"}) {
            c.add(c(d, "train", "--data", d));
            c.add(c(d, "eval", "--model-file", "$MODEL", "--data", d));
            c.add(c(d, "diagnose", "--model", "perceptron", "--data", d));
        }
        c.add(c("nobody", "run", "$ONNX", "--input", "nobody=$NPY"));
        c.add(c("input", "run", "$ONNX")); // no data for the input and no --random
        return c.stream();
    }

    /** Outputs that cannot be written: under /proc, a directory, below a regular file. */
    Stream<Case> outputFiles() {
        List<Case> c = new ArrayList<>();
        for (String f : new String[] {"/proc/simdnn-test.safetensors", "$DIR", "$TEXT/below.safetensors"}) {
            c.add(c(f, "train", "--save", f));
        }
        c.add(c("$DIR/sub.ckpt.safetensors", "train", "--save", "$DIR/sub.safetensors")); // the checkpoint path is a directory
        c.add(c("/proc", "train", "--plot", "/proc/simdnn-test.png"));
        for (String f : new String[] {"/proc/simdnn-test.onnx", "$DIR", "$TEXT/below.onnx"}) {
            c.add(c(f, "export", "--model-file", "$MODEL", "--onnx", f));
        }
        for (String d : new String[] {"/proc/simdnn-test", "$TEXT", "$TEXT/below"}) {
            c.add(c(d, "run", "$ONNX", "--random", "--output-dir", d));
            c.add(c(d, "bench", "gemm", "--quick", "--out", d));
        }
        return c.stream();
    }

    private String fill(String s) {
        return s.replace("$DATA", data.toString()).replace("$DIR", dir.toString()).replace("$TEXT", text.toString())
                .replace("$NOISE", noise.toString()).replace("$UNREADABLE", unreadable.toString())
                .replace("$MODEL", model.toString()).replace("$CHECKPOINT", checkpoint.toString())
                .replace("$ONNX", onnx.toString()).replace("$NPY", npy.toString());
    }

    /** The case's arguments with the defaults that keep a correct command short: tiny data, a temporary output. */
    private String[] args(Case k) {
        List<String> a = new ArrayList<>();
        for (String s : k.args()) a.add(fill(s));
        String cmd = a.get(0);
        if ((cmd.equals("train") || cmd.equals("eval")) && !a.contains("--data")) a.addAll(List.of("--data", data.toString()));
        if (cmd.equals("eval") && !a.contains("--model-file")) a.addAll(List.of("--model-file", model.toString()));
        if (cmd.equals("train")) {
            if (!a.contains("--model")) a.addAll(List.of("--model", "perceptron"));
            if (!a.contains("--save")) a.addAll(List.of("--save", dir.resolve("out.safetensors").toString()));
            a.addAll(List.of("--epochs", "1", "--no-progress"));
        }
        if (cmd.equals("export")) {
            if (!a.contains("--model-file")) a.addAll(List.of("--model-file", model.toString()));
            if (!a.contains("--onnx")) a.addAll(List.of("--onnx", dir.resolve("out.onnx").toString()));
        }
        return a.toArray(String[]::new);
    }

    private void assertOneLineUserError(Case k) {
        String[] a = args(k);
        TrainCommandTest.Run r = TrainCommandTest.run(a);
        String what = String.join(" ", a), err = r.err().strip(), needle = fill(k.needle());
        assertEquals(2, r.code(), what + "\nstderr: " + r.err() + "\nstdout: " + r.out());
        assertFalse(err.isEmpty(), what + ": nothing on stderr");
        assertFalse(err.contains("\n"), what + ": more than one line on stderr:\n" + r.err());
        assertTrue(err.startsWith("simdnn " + a[0] + ": "), what + ": does not start with the command: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat ") || err.contains("java."), what + ": a stack trace or class name: " + err);
        assertTrue(err.contains(needle), what + ": does not name " + needle + ": " + err);
        assertEquals("", r.out(), what + ": printed on stdout before failing (work began before the check)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optionValues")
    void badOptionValuesAreOneLineAndExitTwo(Case k) { assertOneLineUserError(k); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputFiles")
    void badInputFilesAreOneLineAndExitTwo(Case k) { assertOneLineUserError(k); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputFiles")
    void unwritableOutputsAreRefusedBeforeAnyWork(Case k) { assertOneLineUserError(k); }

    @Test
    void aPathUnderAMissingDirectoryIsCreated() throws IOException {
        Path out = dir.resolve("new/sub/m.safetensors");
        TrainCommandTest.Run r = TrainCommandTest.run(args(c("", "train", "--save", out.toString())));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out) && Files.isRegularFile(TrainCommand.checkpointFor(out)));
        try (var s = Files.list(out.getParent())) { // the writability probe left nothing behind
            assertEquals(2, s.count());
        }
    }
}

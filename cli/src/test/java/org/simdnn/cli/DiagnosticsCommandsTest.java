package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Models;

/** diagnose, hessian and tune-batch end to end on a small IDX directory, on built-in kinds and a model file. */
class DiagnosticsCommandsTest {
    @TempDir Path dir;
    private Path data;

    @BeforeEach
    void writeData() throws IOException {
        data = dir.resolve("data");
        TrainCommandTest.writeData(data, 256, 10);
    }

    @Test
    void diagnoseABuiltInModelPrintsTheChecklistAndCharts() {
        TrainCommandTest.Run r = TrainCommandTest.run("diagnose", "--model", "mlp", "--data", data.toString(), "--threads", "1",
                "--batch", "32", "--overfit-steps", "150", "--nan-steps", "8", "--range-steps", "12", "--plot", dir.toString());
        for (String check : new String[] {"loss at init", "overfit one batch", "dead ReLUs", "gradient flow",
                "update/weight ratio", "NaN/Inf", "loss decreases", "lr range test"}) {
            assertTrue(r.out().contains(check), check + " missing:\n" + r.out());
        }
        assertTrue(r.out().matches("(?s).*overfit one batch\\s+PASS.*"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("lr-range-test.png")) && Files.isRegularFile(dir.resolve("gradient-norms.png")));
        assertEquals(0, r.code(), r.out() + r.err());
    }

    @Test
    void diagnoseAndHessianOfAModelFile() throws IOException {
        Path file = dir.resolve("mlp.safetensors");
        ModelIo.save(file, Models.mlp(3));
        TrainCommandTest.Run d = TrainCommandTest.run("diagnose", "--model-file", file.toString(), "--data", data.toString(),
                "--threads", "1", "--batch", "32", "--overfit-steps", "50", "--nan-steps", "4", "--range-steps", "6");
        assertTrue(d.out().contains("trained model: not at init"), d.out() + d.err());
        TrainCommandTest.Run h = TrainCommandTest.run("hessian", "--model-file", file.toString(), "--data", data.toString(),
                "--threads", "1", "--batch", "16", "--lanczos-steps", "6", "--probes", "1", "--hutchinson", "2", "--top-k", "2");
        assertEquals(0, h.code(), h.err());
        assertTrue(h.out().contains("full Hessian skipped: 203530 parameters"), h.out());
        assertTrue(h.out().contains("Lanczos (6 steps") && h.out().contains("Hutchinson trace") && h.out().contains("SLQ density"), h.out());
    }

    @Test
    void hessianOfTheSmallPerceptronClassifiesTheConvexLoss() {
        Path png = dir.resolve("spectrum.png");
        TrainCommandTest.Run r = TrainCommandTest.run("hessian", "--model", "perceptron", "--pool", "4", "--data", data.toString(),
                "--threads", "1", "--batch", "64", "--lanczos-steps", "20", "--probes", "2", "--hutchinson", "4", "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("500 parameters"), r.out());
        // softmax regression is convex: no eigenvalue below the stated tolerance
        assertTrue(r.out().contains("local minimum with flat directions"), r.out());
        assertTrue(r.out().contains(" 0 negative"), r.out());
        assertTrue(Files.isRegularFile(png));
    }

    @Test
    void trainPlotsItsCurves() {
        Path png = dir.resolve("curves.png");
        TrainCommandTest.Run r = TrainCommandTest.run("train", "--model", "perceptron", "--epochs", "2", "--threads", "1",
                "--data", data.toString(), "--save", dir.resolve("p.safetensors").toString(), "--no-progress", "--plot", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(png), r.out());
        assertTrue(TrainCommandTest.FINAL.matcher(r.out().lines().reduce((a, b) -> b).orElse("")).find(),
                "the closing line stays last:\n" + r.out());
    }

    @Test
    void tuneBatchChoosesAMeasuredSize() {
        TrainCommandTest.Run r = TrainCommandTest.run("tune-batch", "--model", "mlp", "--threads", "1", "--from", "16", "--to", "48",
                "--every", "16", "--warmup", "0", "--repeats", "1", "--images-per-run", "48");
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("best: batch (\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Pattern.compile("(?m)^\\s+" + m.group(1) + " ").matcher(r.out()).find(), "the best size is a measured row:\n" + r.out());
        assertTrue(r.out().contains("load average"), r.out());
    }
}

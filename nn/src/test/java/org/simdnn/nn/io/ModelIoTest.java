package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.*;
import org.simdnn.nn.Module;
import org.simdnn.nn.loss.SoftmaxCrossEntropyLoss;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

class ModelIoTest {
    @TempDir Path dir;

    static Stream<Backend> backends() { return TestBackends.all(); }

    /** Every layer type once. */
    static Sequential everyLayer() {
        return new Sequential(
                Conv2d.builder(2, 4).kernel(3).pad(1).groups(2).build(), new BatchNorm2d(4).withRelu(), new PReLU(4),
                new MaxPool2d(2), Conv2d.builder(4, 4).kernel(3).stride(2).pad(1).dilation(2).bias(false).build(), new BatchNorm2d(4).with(1e-3f, 0.2f),
                new LeakyReLU(0.2f), new AvgPool2d(3, 1, 1), new Sigmoid(), new GlobalAvgPool2d(), new Dropout(0.3f, 5),
                new Linear(4, 6), new BatchNorm1d(6), new Tanh(), new Sequential(new Linear(6, 3, false), new ReLU()),
                new Flatten());
    }

    private static void perturb(Module m, long seed) {
        var r = new java.util.SplittableRandom(seed);
        for (Tensor t : ModelIo.stateDict(m).values()) {
            for (int i = 0; i < t.size(); i++) t.data()[t.offset() + i] += (float) r.nextDouble(0, 0.5);
        }
    }

    @ParameterizedTest @MethodSource("backends")
    void saveAndLoadRebuildTheModel(Backend b) throws Throwable {
        TestBackends.run(() -> {
            Sequential net = everyLayer().initialize(1);
            perturb(net, 2); // running stats and BN params away from their defaults
            Path f = dir.resolve("every.safetensors");
            ModelIo.save(f, net, Map.of("note", "hello"));
            Module back = ModelIo.load(f);
            assertEquals(Architecture.toJson(net), Architecture.toJson(back));
            assertEquals(ModelIo.stateDict(net).keySet(), ModelIo.stateDict(back).keySet());
            for (var e : ModelIo.stateDict(net).entrySet()) {
                assertArrayEquals(e.getValue().toArray(), ModelIo.stateDict(back).get(e.getKey()).toArray(), e.getKey());
            }
            net.useBackend(b);
            back.useBackend(b);
            Tensor x = GradCheck.random(3, 2, 8, 8, 2);
            assertArrayEquals(net.forward(x, false).toArray(), back.forward(x, false).toArray());
            assertEquals("hello", SafeTensors.read(f).metadata().get("note"));
        });
    }

    @Test
    void perceptronsRoundTrip() throws IOException {
        float[][] centers = {{0, 1}, {1, 0}, {0.5f, 0.5f}};
        for (Module m : new Module[] {new Perceptron(Basis.rbf(centers, 1.5f), 2), new Perceptron(Basis.polynomial(3), 2),
                new MulticlassPerceptron(Basis.identity(), 5, 4)}) {
            perturb(m, 4);
            Path f = dir.resolve("p.safetensors");
            ModelIo.save(f, m);
            Module back = ModelIo.load(f);
            assertEquals(Architecture.toJson(m), Architecture.toJson(back));
            assertArrayEquals(m.parameters().get(0).value().toArray(), back.parameters().get(0).value().toArray());
        }
    }

    @Test
    void mismatchedFilesNameTheTensorAndBothShapes() throws IOException {
        Path f = dir.resolve("small.safetensors");
        ModelIo.save(f, new Sequential(new Linear(4, 3), new ReLU()));
        IOException e = assertThrows(IOException.class, () -> ModelIo.loadWeights(f, new Sequential(new Linear(4, 2), new ReLU())));
        assertTrue(e.getMessage().contains("'0.weight'") && e.getMessage().contains("[4, 3]") && e.getMessage().contains("[4, 2]")
                && e.getMessage().contains("48 bytes") && e.getMessage().contains("32 bytes"), e.getMessage());
        e = assertThrows(IOException.class, () -> ModelIo.loadWeights(f, new Sequential(new Linear(4, 3, false), new ReLU())));
        assertTrue(e.getMessage().contains("unexpected tensor '0.bias'"), e.getMessage());
        e = assertThrows(IOException.class, () -> ModelIo.loadWeights(f, new Sequential(new Linear(4, 3), new Linear(3, 1))));
        assertTrue(e.getMessage().contains("'1.weight' is missing"), e.getMessage());
        // a file without architecture, and one whose architecture is corrupt
        Path plain = dir.resolve("plain.safetensors");
        SafeTensors.write(plain, Map.of("x", Tensor.zeros(1)), Map.of());
        assertTrue(assertThrows(IOException.class, () -> ModelIo.load(plain)).getMessage().contains("architecture"));
        SafeTensors.write(plain, Map.of("x", Tensor.zeros(1)), Map.of(ModelIo.ARCHITECTURE_KEY, "{\"type\":\"Quux\"}"));
        assertTrue(assertThrows(IOException.class, () -> ModelIo.load(plain)).getMessage().contains("unknown layer type 'Quux'"));
        SafeTensors.write(plain, Map.of("x", Tensor.zeros(1)), Map.of(ModelIo.ARCHITECTURE_KEY,
                "{\"type\":\"Linear\",\"in\":\"four\"}"));
        assertTrue(assertThrows(IOException.class, () -> ModelIo.load(plain)).getMessage().contains("Linear"));
    }

    @Test
    void truncatedModelFileFailsWithTheTensorName() throws IOException {
        Path f = dir.resolve("m.safetensors");
        ModelIo.save(f, new Sequential(new Linear(4, 3), new ReLU()));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 3));
        IOException e = assertThrows(IOException.class, () -> ModelIo.load(f));
        assertTrue(e.getMessage().contains("'0.bias'") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void copyModelIntoNeedsTheSameTensorsAndDropoutLayers() throws IOException {
        Sequential saved = new Sequential(new Linear(4, 3), new Dropout(0.5f, 1)).initialize(2);
        saved.layer(1).forward(Tensor.zeros(2, 3), true); // one dropout step
        Path f = dir.resolve("c.safetensors");
        ModelIo.save(f, saved);
        ModelIo.Checkpoint c = ModelIo.loadCheckpoint(f);
        Sequential target = new Sequential(new Linear(4, 3), new Dropout(0.5f, 9)).initialize(5);
        c.copyModelInto(target);
        assertEquals(1, ((Dropout) target.layer(1)).step());
        assertArrayEquals(saved.parameters().get(0).value().toArray(), target.parameters().get(0).value().toArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.copyModelInto(new Sequential(new Linear(4, 3), new ReLU())));
        assertTrue(e.getMessage().contains("dropout layers at [1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.copyModelInto(new Sequential(new Linear(4, 2), new Dropout(0.5f, 1))));
        assertTrue(e.getMessage().contains("'0.weight' has shape"), e.getMessage());
    }

    /** Checkpoint after 2 steps, resume, 2 more steps == 4 uninterrupted steps, bit for bit (dropout included). */
    @ParameterizedTest @MethodSource("backends")
    void checkpointResumeIsExact(Backend b) throws Throwable {
        TestBackends.run(() -> {
            Tensor x = GradCheck.random(7, 6, 5);
            int[] y = {0, 1, 2, 1, 0, 2};
            SoftmaxCrossEntropyLoss ce = new SoftmaxCrossEntropyLoss(0.1f, b);
            Tensor g = Tensor.zeros(6, 3);
            Sequential a = new Sequential(new Linear(5, 8), new BatchNorm1d(8), new ReLU(), new Dropout(0.2f, 3),
                    new Linear(8, 3)).initialize(9);
            a.useBackend(b);
            Sgd sa = new Sgd(a.parameters(), 0.1f, b).momentum(0.9f).nesterov(true).weightDecay(1e-3f);
            Path f = dir.resolve("ckpt.safetensors");
            for (int s = 0; s < 4; s++) {
                if (s == 2) ModelIo.saveCheckpoint(f, a, sa, Map.of("epoch", "1"));
                ce.compute(a.forward(x, true), y, g);
                a.backward(g);
                sa.step();
            }
            ModelIo.Checkpoint ck = ModelIo.loadCheckpoint(f);
            assertEquals("1", ck.metadata().get("epoch"));
            assertEquals(2, ck.optimizerSteps());
            Module r = ck.model();
            r.useBackend(b);
            Sgd sr = new Sgd(r.parameters(), 0.1f, b).momentum(0.9f).nesterov(true).weightDecay(1e-3f);
            ck.restore(sr);
            for (int s = 2; s < 4; s++) {
                ce.compute(r.forward(x, true), y, g);
                r.backward(g);
                sr.step();
            }
            for (var e : ModelIo.stateDict(a).entrySet()) {
                assertArrayEquals(e.getValue().toArray(), ModelIo.stateDict(r).get(e.getKey()).toArray(), e.getKey());
            }
        });
    }
}

package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Module;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.PerceptronTrainer;
import org.simdnn.nn.train.SgdTrainer;
import org.simdnn.nn.train.TrainConfig;
import org.simdnn.tensor.Tensor;

/**
 * Files that {@code simdnn train} wrote before model files carried their architecture still load through
 * {@link ModelIo}: a checked-in perceptron model and checkpoint (src/test/resources/model-files/README.md says how
 * they were made), and CNN and MLP files laid out as that version wrote them.
 */
class LegacyModelFileTest {
    @TempDir Path dir;

    private static Path resource(String name) throws Exception {
        return Path.of(LegacyModelFileTest.class.getResource("/model-files/" + name).toURI());
    }

    /** Two 28x28 images: a ramp pattern and a horizontal band. */
    private static Tensor probe() {
        float[] x = new float[2 * 784];
        for (int i = 0; i < 784; i++) {
            x[i] = ((i * 37) % 256) / 255f;
            x[784 + i] = i / 28 >= 10 && i / 28 < 18 ? 1f : 0f;
        }
        return Tensor.wrap(x, 2, 28, 28, 1);
    }

    /** The probe's scores as the version that wrote the file computed them (loaded by its own reader). */
    private static final float[] PERCEPTRON_SCORES = {
        -1.4044323f, -57.816746f, 64.35552f, -74.39094f, -66.58711f, 35.192345f, -3.0020218f, -59.68617f, 184.23932f, -20.899492f,
        -204.21315f, -135.62532f, 26.858372f, -99.17009f, -82.724045f, 105.97743f, -41.33866f, 256.91577f, 232.59819f, -59.27852f};

    @Test
    void theCheckedInPerceptronGivesTheScoresItGaveWhenWritten() throws Exception {
        for (String file : new String[] {"perceptron-2026-12-05.safetensors", "perceptron-2026-12-05.ckpt.safetensors"}) {
            Module m = ModelIo.load(resource(file));
            float[] scores = m.forward(Models.input(m, probe()), false).toArray();
            // another vector width sums the 785 products in another order: allow for rounding
            for (int i = 0; i < scores.length; i++) {
                assertEquals(PERCEPTRON_SCORES[i], scores[i], 1e-4f * (1 + Math.abs(PERCEPTRON_SCORES[i])), file + " score " + i);
            }
        }
    }

    @Test
    void theCheckedInPerceptronCheckpointResumes() throws Exception {
        ModelIo.Checkpoint c = ModelIo.loadCheckpoint(resource("perceptron-2026-12-05.ckpt.safetensors"));
        assertEquals(2000, c.optimizerSteps());
        assertEquals(List.of("perceptron.w", "perceptron.u"), List.copyOf(c.optimizerState().keySet()));
        PerceptronTrainer t = new PerceptronTrainer(PerceptronTrainer.newModel(784, 10));
        t.restore(c);
        assertEquals(1, t.epochsDone());
        Module model = ModelIo.load(resource("perceptron-2026-12-05.safetensors"));
        assertArrayEquals(model.parameters().get(0).value().toArray(), t.model().weight().value().toArray());
        t.saveCheckpoint(dir.resolve("again.ckpt.safetensors"), Map.of());
        ModelIo.Checkpoint again = ModelIo.loadCheckpoint(dir.resolve("again.ckpt.safetensors"));
        assertEquals(2000, again.optimizerSteps());
        assertArrayEquals(c.optimizerState().get("perceptron.u").toArray(), again.optimizerState().get("perceptron.u").toArray());
    }

    /** A CNN and an MLP checkpoint as the earlier {@code simdnn train} laid them out: no architecture, counters as lists. */
    @Test
    void networkFilesOfTheEarlierLayoutLoadAndResume() throws Exception {
        for (String name : new String[] {"cnn", "mlp"}) {
            Sequential trained = Models.build(name, 42);
            Map<String, Tensor> tensors = new LinkedHashMap<>(ModelIo.stateDict(trained));
            Tensor momentum = Tensor.zeros(trained.parameters().get(0).value().shape());
            momentum.fill(0.25f);
            tensors.put("optim." + trained.parameters().get(0).name() + ".momentum_buffer", momentum);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", name);
            meta.put("epochs_done", "3");
            meta.put("steps_done", "1407");
            meta.put("seed", "42");
            meta.put("dropout_steps", name.equals("cnn") ? "1407,1407" : "");
            Path f = dir.resolve(name + ".ckpt.safetensors");
            SafeTensors.write(f, tensors, meta);

            ModelIo.Checkpoint c = ModelIo.loadCheckpoint(f);
            assertEquals(1407, c.optimizerSteps(), name);
            trained.eval();
            Tensor x = probe();
            assertArrayEquals(trained.forward(Models.input(trained, x), false).toArray(),
                    c.model().forward(Models.input(c.model(), x), false).toArray(), name);
            if (name.equals("cnn")) {
                Sequential s = (Sequential) c.model();
                assertTrue(s.layer(11) instanceof Dropout d && d.step() == 1407 && s.layer(14) instanceof Dropout e
                        && e.step() == 1407, "dropout positions");
            }
            SgdTrainer t = new SgdTrainer(Models.build(name, 42).initialize(7),
                    TrainConfig.forModel(name, 5, 42).withAugmentation(Augmentation.NONE), 469);
            t.restore(c);
            assertEquals(3, t.epochsDone());
            assertEquals(1407, t.steps());
            assertArrayEquals(trained.parameters().get(0).value().toArray(), t.model().parameters().get(0).value().toArray());
        }
    }

    @Test
    void filesWithAnArchitectureAreNotRewritten() {
        Map<String, String> meta = Map.of(ModelIo.ARCHITECTURE_KEY, "{}", "model", "cnn", "steps_done", "3");
        assertEquals(meta, LegacyModelFiles.upgrade(meta));
        Map<String, String> foreign = Map.of("model", "resnet");
        assertEquals(foreign, LegacyModelFiles.upgrade(foreign));
    }
}

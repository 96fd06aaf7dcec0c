package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.optim.LrSchedule;
import org.simdnn.tensor.Tensor;

class ModelsTest {
    @TempDir Path dir;

    @Test
    void cnnHasTheReferenceShapeAndParameterCount() {
        Sequential m = Models.cnn(1);
        assertArrayEquals(new int[] {7, 10}, m.outputShape(new int[] {7, 28, 28, 1}));
        // convs 288 + 9216 + 18432 + 36864, BN 2*(32+32+64+64), fc 3136*256+256, 256*10+10
        assertEquals(288 + 9216 + 18432 + 36864 + 384 + 803072 + 2570, m.parameterCount());
        assertTrue(m.summary(new int[] {1, 28, 28, 1}).contains("Dropout"));
    }

    @Test
    void mlpTakesFlatInput() {
        Sequential m = Models.mlp(1);
        assertArrayEquals(new int[] {5, 10}, m.outputShape(new int[] {5, 784}));
        assertEquals(784 * 256 + 256 + 2570, m.parameterCount());
        assertArrayEquals(new int[] {5, 784}, Models.input(m, Tensor.zeros(5, 28, 28, 1)).shape());
        assertArrayEquals(new int[] {5, 28, 28, 1}, Models.input(Models.cnn(1), Tensor.zeros(5, 28, 28, 1)).shape());
    }

    @Test
    void sameSeedSameWeights() {
        assertArrayEquals(Models.cnn(7).parameters().get(0).value().toArray(),
                Models.cnn(7).parameters().get(0).value().toArray());
        assertTrue(!java.util.Arrays.equals(Models.cnn(7).parameters().get(0).value().toArray(),
                Models.cnn(8).parameters().get(0).value().toArray()));
        assertThrows(IllegalArgumentException.class, () -> Models.build("resnet", 1));
    }

    @Test
    void warmupThenCosineSchedule() {
        TrainConfig c = TrainConfig.forModel("cnn", 10, 1);
        LrSchedule s = c.schedule(100);
        assertEquals(0.05 / 100, s.lr(0), 1e-9);
        assertEquals(0.05, s.lr(99), 1e-9);
        assertEquals(0.05, s.lr(100), 1e-9);
        assertEquals(0.025, s.lr(100 + 450), 1e-6); // halfway through the cosine
        assertTrue(s.lr(999) < 1e-5 && s.lr(999) >= 0);
        LrSchedule mlp = TrainConfig.forModel("mlp", 5, 1).schedule(100);
        assertEquals(0.05, mlp.lr(0), 1e-7); // no warm-up
        assertEquals(0.025, mlp.lr(250), 1e-6);
        LrSchedule constant = TrainConfig.forModel("mlp", 5, 1).withSchedule(false, 0).schedule(100);
        assertEquals(0.05, constant.lr(0), 1e-7);
        assertEquals(0.05, constant.lr(499), 1e-7);
        // a 1-epoch CNN run still decays (warm-up cannot cover the whole run)
        assertTrue(TrainConfig.forModel("cnn", 1, 1).schedule(10).lr(9) < 0.05);
    }

    @Test
    void modelFileRoundTripRebuildsTheNetwork() throws Exception {
        Sequential m = Models.mlp(3);
        Path f = dir.resolve("m.safetensors");
        ModelFiles.save(f, m, Map.of("model", "mlp"));
        ModelFiles.Loaded back = ModelFiles.load(f);
        assertEquals("mlp", back.name());
        assertArrayEquals(m.parameters().get(0).value().toArray(), back.model().parameters().get(0).value().toArray());
        assertEquals(dir.resolve("m.ckpt.safetensors"), ModelFiles.checkpointFor(f));
        ModelFiles.save(f, Models.mlp(3), Map.of("model", "cnn"));
        assertTrue(assertThrows(java.io.IOException.class, () -> ModelFiles.load(f)).getMessage().contains("0.weight"));
    }
}

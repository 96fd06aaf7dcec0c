package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Module;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.io.Architecture;
import org.simdnn.nn.io.ModelIo;
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

    /** PyTorch's initialisation: conv and linear weights in ±1/sqrt(fanIn), linear biases drawn from the same range. */
    @Test
    void cnnStartsAsPyTorchDoes() {
        Sequential m = Models.cnn(42);
        Conv2d first = (Conv2d) m.layer(0);
        assertBound(first.weight().value(), 1 / Math.sqrt(9), "conv 1->32");
        assertBound(((Conv2d) m.layer(7)).weight().value(), 1 / Math.sqrt(9 * 64), "conv 64->64");
        Linear fc = (Linear) m.layer(12), out = (Linear) m.layer(15);
        assertBound(fc.weight().value(), 1 / Math.sqrt(3136), "linear 3136->256");
        assertBound(fc.bias().value(), 1 / Math.sqrt(3136), "linear 3136->256 bias");
        assertBound(out.weight().value(), 1 / Math.sqrt(256), "linear 256->10");
        assertBound(out.bias().value(), 1 / Math.sqrt(256), "linear 256->10 bias");
        // the recipe decays every parameter, as PyTorch's SGD(weight_decay=5e-4) on model.parameters()
        assertTrue(TrainConfig.forModel("cnn", 10, 42).decayAll());
        assertTrue(!TrainConfig.forModel("mlp", 5, 42).decayAll());
    }

    /** Every |v| <= bound, and the largest within 10 % of it (the draws fill the range, nothing is zero). */
    private static void assertBound(Tensor t, double bound, String what) {
        double max = 0;
        for (float v : t.toArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= bound && max > 0.9 * bound, what + ": max |v| " + max + ", bound " + bound);
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
    void mlpStartsNearTheUniformLoss() {
        Sequential m = Models.mlp(42);
        Linear out = (Linear) m.layer(2);
        assertBound(out.weight().value(), 1 / Math.sqrt(256), "linear 256->10");
        for (float b : out.bias().value().toArray()) assertTrue(Math.abs(b) <= 1 / Math.sqrt(256), "bias " + b);
        // standardised inputs (as the trainer feeds): the mean cross-entropy over random labels is ln 10 plus about
        // half the logits' variance; He's output layer made that 3.06 on Fashion-MNIST
        int n = 512;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] logits = m.forward(Tensor.wrap(x, n, 784), false).toArray();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < 10; j++) max = Math.max(max, logits[i * 10 + j]);
            for (int j = 0; j < 10; j++) sum += Math.exp(logits[i * 10 + j] - max);
            loss += max + Math.log(sum) - logits[i * 10 + r.nextInt(10)];
        }
        loss /= n;
        assertTrue(Math.abs(loss - Math.log(10)) < 0.3, "loss at init " + loss + ", ln 10 = " + Math.log(10));
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
        double peak = c.lr();
        assertEquals(0.15, peak, 1e-7);
        assertEquals(peak / 100, s.lr(0), 1e-8);
        assertEquals(peak, s.lr(99), 1e-7);
        assertEquals(peak, s.lr(100), 1e-7);
        assertEquals(peak / 2, s.lr(100 + 450), 1e-6); // halfway through the cosine
        assertTrue(s.lr(999) < 1e-5 && s.lr(999) >= 0);
        LrSchedule mlp = TrainConfig.forModel("mlp", 5, 1).schedule(100);
        assertEquals(0.05, mlp.lr(0), 1e-7); // no warm-up
        assertEquals(0.025, mlp.lr(250), 1e-6);
        LrSchedule constant = TrainConfig.forModel("mlp", 5, 1).withSchedule(false, 0).schedule(100);
        assertEquals(0.05, constant.lr(0), 1e-7);
        assertEquals(0.05, constant.lr(499), 1e-7);
        // a 1-epoch CNN run still decays (warm-up cannot cover the whole run)
        assertTrue(TrainConfig.forModel("cnn", 1, 1).schedule(10).lr(9) < 0.15);
    }

    @Test
    void modelFilesRebuildTheCommandLineNetworks() throws Exception {
        for (String name : new String[] {"cnn", "mlp"}) {
            Sequential m = Models.build(name, 3);
            Path f = dir.resolve(name + ".safetensors");
            ModelIo.save(f, m, Map.of("model", name));
            Module back = ModelIo.load(f);
            assertEquals(Architecture.toJson(m), Architecture.toJson(back), name);
            Tensor x = Tensor.zeros(2, 28, 28, 1);
            for (int i = 0; i < x.size(); i++) x.data()[i] = (i % 29) / 29f;
            m.eval();
            assertArrayEquals(m.forward(Models.input(m, x), false).toArray(), back.forward(Models.input(back, x), false).toArray(), name);
        }
        ModelIo.save(dir.resolve("m.safetensors"), Models.mlp(3));
        IOException e = assertThrows(IOException.class, () -> ModelIo.loadWeights(dir.resolve("m.safetensors"), Models.cnn(3)));
        assertTrue(e.getMessage().contains("0.weight"), e.getMessage());
    }
}

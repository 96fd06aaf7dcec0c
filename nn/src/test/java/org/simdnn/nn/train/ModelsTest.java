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

    /** The width variant: the reference network at 32, 64 (same weights, same logits), other widths by the count. */
    @Test
    void cnnWidthVariant() {
        Sequential ref = Models.cnn(3, 0.1f, 0.3f), same = Models.cnn(3, 32, 64, 0.1f, 0.3f);
        assertEquals(ref.parameterCount(), same.parameterCount());
        for (int i = 0; i < ref.parameters().size(); i++) {
            assertEquals(ref.parameters().get(i).name(), same.parameters().get(i).name());
            assertArrayEquals(ref.parameters().get(i).value().toArray(), same.parameters().get(i).value().toArray());
        }
        Sequential m = Models.cnn(5, 16, 48, 0f, 0f);
        assertArrayEquals(new int[] {3, 10}, m.outputShape(new int[] {3, 28, 28, 1}));
        // convs 9*16 + 9*16*16 + 9*16*48 + 9*48*48, BN 2*(16+16+48+48), fc 2352*256+256, 256*10+10
        assertEquals(144 + 2304 + 6912 + 20736 + 256 + 602368 + 2570, m.parameterCount());
        assertThrows(IllegalArgumentException.class, () -> Models.cnn(1, 0, 64, 0f, 0f));
    }

    /**
     * The variant's logits in evaluation mode against a scalar double-precision forward of the same weights (conv
     * 3x3 pad 1, batch norm with its running statistics, ReLU, max pool 2, linear), with random batch-norm
     * parameters and statistics so every layer's wiring shows.
     */
    @Test
    void cnnWidthVariantMatchesAScalarForward() {
        int c1 = 8, c2 = 12, n = 2;
        Sequential m = Models.cnn(9, c1, c2, 0f, 0f);
        java.util.SplittableRandom r = new java.util.SplittableRandom(17);
        for (int i : new int[] {1, 3, 6, 8}) {
            org.simdnn.nn.BatchNorm2d bn = (org.simdnn.nn.BatchNorm2d) m.layer(i);
            for (int c = 0; c < bn.gamma().value().size(); c++) {
                bn.gamma().value().set((float) (0.5 + r.nextDouble()), c);
                bn.beta().value().set((float) (r.nextDouble() - 0.5), c);
                bn.runningMean().set((float) (0.2 * (r.nextDouble() - 0.5)), c);
                bn.runningVar().set((float) (0.5 + r.nextDouble()), c);
            }
        }
        float[] img = new float[n * 28 * 28];
        for (int i = 0; i < img.length; i++) img[i] = (float) r.nextGaussian();
        float[] got = m.forward(Tensor.wrap(img, n, 28, 28, 1), false).toArray();
        double[] x = new double[img.length];
        for (int i = 0; i < x.length; i++) x[i] = img[i];
        int[] cs = {1, c1, c1, c2, c2};
        int hw = 28;
        for (int k = 0; k < 4; k++) {
            Conv2d conv = (Conv2d) m.layer(k < 2 ? 2 * k : 2 * k + 1);
            org.simdnn.nn.BatchNorm2d bn = (org.simdnn.nn.BatchNorm2d) m.layer(k < 2 ? 2 * k + 1 : 2 * k + 2);
            x = scalarConvBnRelu(x, n, hw, cs[k], cs[k + 1], conv.weight().value(), bn);
            if (k == 1 || k == 3) {
                x = scalarMaxPool2(x, n, hw, cs[k + 1]);
                hw /= 2;
            }
        }
        double[] h = scalarLinear(x, n, 7 * 7 * c2, 256, (Linear) m.layer(12));
        for (int i = 0; i < h.length; i++) h[i] = Math.max(0, h[i]);
        double[] want = scalarLinear(h, n, 256, 10, (Linear) m.layer(15));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), "logit " + i);
        }
    }

    /** NHWC conv 3x3 pad 1 (HWIO weights), then eval-mode batch norm and ReLU, in double. */
    private static double[] scalarConvBnRelu(double[] x, int n, int hw, int cin, int cout, Tensor w,
                                             org.simdnn.nn.BatchNorm2d bn) {
        double[] y = new double[n * hw * hw * cout];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < hw; oy++) {
                for (int ox = 0; ox < hw; ox++) {
                    for (int co = 0; co < cout; co++) {
                        double s = 0;
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = oy + ky - 1, ix = ox + kx - 1;
                                if (iy < 0 || iy >= hw || ix < 0 || ix >= hw) continue;
                                for (int ci = 0; ci < cin; ci++) {
                                    s += x[((b * hw + iy) * hw + ix) * cin + ci] * w.get(ky, kx, ci, co);
                                }
                            }
                        }
                        double v = (s - bn.runningMean().get(co)) / Math.sqrt(bn.runningVar().get(co) + bn.epsilon())
                                * bn.gamma().value().get(co) + bn.beta().value().get(co);
                        y[((b * hw + oy) * hw + ox) * cout + co] = Math.max(0, v);
                    }
                }
            }
        }
        return y;
    }

    private static double[] scalarMaxPool2(double[] x, int n, int hw, int c) {
        int o = hw / 2;
        double[] y = new double[n * o * o * c];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < o; oy++) {
                for (int ox = 0; ox < o; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        double v = Double.NEGATIVE_INFINITY;
                        for (int d = 0; d < 4; d++) {
                            v = Math.max(v, x[((b * hw + 2 * oy + d / 2) * hw + 2 * ox + d % 2) * c + ch]);
                        }
                        y[((b * o + oy) * o + ox) * c + ch] = v;
                    }
                }
            }
        }
        return y;
    }

    /** {@code x W + b} with W [in, out]. */
    private static double[] scalarLinear(double[] x, int n, int in, int out, Linear l) {
        double[] y = new double[n * out];
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < out; j++) {
                double s = l.bias().value().get(j);
                for (int i = 0; i < in; i++) s += x[b * in + i] * l.weight().value().get(i, j);
                y[b * out + j] = s;
            }
        }
        return y;
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

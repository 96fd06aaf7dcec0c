package org.simdnn.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Sequential;
import org.simdnn.tensor.Tensor;

class InitTest {
    /** Sample variance of 200k draws within 2% of the scheme's variance; uniform draws inside the bound. */
    @Test
    void varianceAndBoundsOfEachScheme() {
        int fanIn = 300, fanOut = 100;
        for (Init s : Init.values()) {
            Tensor t = Tensor.zeros(400, 500);
            s.fill(t, fanIn, fanOut, Init.rng(1));
            double sum = 0, sq = 0, max = 0;
            for (float v : t.data()) {
                sum += v;
                sq += v * (double) v;
                max = Math.max(max, Math.abs(v));
            }
            int n = t.size();
            double var = sq / n - (sum / n) * (sum / n);
            double want = s.std(fanIn, fanOut) * s.std(fanIn, fanOut);
            assertEquals(want, var, 0.02 * want, s + " variance");
            assertEquals(0, sum / n, 0.01 * Math.sqrt(want) * 5, s + " mean");
            if (s.isUniform()) {
                assertTrue(max <= Math.sqrt(3 * want) + 1e-6, s + " bound");
            }
        }
        assertEquals(Math.sqrt(2.0 / 300), Init.KAIMING_NORMAL.std(300, 100), 1e-15);
        assertEquals(Math.sqrt(2.0 / 400), Init.XAVIER_UNIFORM.std(300, 100), 1e-15);
        // PyTorch's kaiming_uniform_(a = sqrt(5)): gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / fanIn) = 1 / sqrt(fanIn)
        assertEquals(1 / Math.sqrt(300), Math.sqrt(3) * Init.TORCH_DEFAULT.std(300, 100), 1e-15);
    }

    /** PyTorch's layers draw the bias from U(-1/sqrt(fanIn), 1/sqrt(fanIn)); the other schemes start it at zero. */
    @Test
    void torchDefaultDrawsTheBiasTooOthersZeroIt() {
        Linear l = new Linear(64, 200).init(Init.TORCH_DEFAULT, Init.rng(3));
        double bound = 1 / Math.sqrt(64), max = 0, sum = 0;
        for (float v : l.bias().value().toArray()) {
            max = Math.max(max, Math.abs(v));
            sum += v;
        }
        assertTrue(max <= bound && max > 0.9 * bound, "Linear bias bound " + max + " vs " + bound);
        assertEquals(0, sum / 200, 0.25 * bound, "Linear bias mean");
        for (float v : l.weight().value().toArray()) assertTrue(Math.abs(v) <= bound, "Linear weight " + v);
        // the weights are the same draws as Init.fill on the same generator; the bias comes after them
        Tensor w = Tensor.zeros(64, 200);
        Init.TORCH_DEFAULT.fill(w, 64, 200, Init.rng(3));
        assertArrayEquals(w.toArray(), l.weight().value().toArray());

        Conv2d c = new Conv2d(8, 16, 3, 1, 1).init(Init.TORCH_DEFAULT, Init.rng(4));
        double cb = 1 / Math.sqrt(3 * 3 * 8), cmax = 0;
        for (float v : c.bias().value().toArray()) cmax = Math.max(cmax, Math.abs(v));
        assertTrue(cmax <= cb && cmax > 0.5 * cb, "Conv2d bias bound " + cmax + " vs " + cb);
        for (float v : c.weight().value().toArray()) assertTrue(Math.abs(v) <= cb, "Conv2d weight " + v);

        assertArrayEquals(new float[16], new Conv2d(8, 16, 3, 1, 1).init(Init.KAIMING_UNIFORM, Init.rng(4)).bias().value().toArray());
        assertThrows(IllegalArgumentException.class, () -> Init.TORCH_DEFAULT.fillBias(Tensor.zeros(3), 0, Init.rng(1)));
    }

    @Test
    void sameSeedSameBitsDifferentSeedDifferentBits() {
        Sequential a = new Sequential(new Conv2d(3, 8, 3, 1, 1), new Linear(10, 4)).initialize(42);
        Sequential b = new Sequential(new Conv2d(3, 8, 3, 1, 1), new Linear(10, 4)).initialize(42);
        Sequential c = new Sequential(new Conv2d(3, 8, 3, 1, 1), new Linear(10, 4)).initialize(43);
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i).value().toArray(), b.parameters().get(i).value().toArray());
        }
        assertFalse(Arrays.equals(a.parameters().get(0).value().toArray(), c.parameters().get(0).value().toArray()));
        // biases start at zero, weights do not
        assertArrayEquals(new float[8], a.parameters().get(1).value().toArray());
    }

    @Test
    void layersChooseTheirScheme() {
        Linear l = new Linear(50, 50).init(Init.XAVIER_NORMAL, Init.rng(5));
        Tensor expect = Tensor.zeros(50, 50);
        Init.XAVIER_NORMAL.fill(expect, 50, 50, Init.rng(5));
        assertArrayEquals(expect.toArray(), l.weight().value().toArray());
    }
}

package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.BatchNorm2d;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.TestBackends;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** Flip averaging against a plain loop: mirror by indices, two separate forwards, mean in double. */
class FlipAveragingTest {
    static List<Backend> backends() { return TestBackends.list(); }

    private static Tensor random(SplittableRandom rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) rng.nextDouble(-1, 1);
        return t;
    }

    /** x[n, h, W-1-w, c], element by element. */
    private static Tensor mirrored(Tensor x) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        Tensor y = Tensor.zeros(n, h, w, c);
        for (int a = 0; a < n; a++) for (int b = 0; b < h; b++) for (int j = 0; j < w; j++) for (int k = 0; k < c; k++) {
            y.set(x.get(a, b, w - 1 - j, k), a, b, j, k);
        }
        return y;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void meanOfTheLogitsOnTheImagesAndTheirMirrors(Backend backend) throws Throwable {
        TestBackends.run(() -> {
            Sequential m = new Sequential(Conv2d.builder(2, 3).kernel(3).pad(1).build(), new BatchNorm2d(3).withRelu(),
                    new Flatten(), new Linear(3 * 4 * 5, 6)).initialize(9);
            m.useBackend(backend);
            m.eval();
            SplittableRandom rng = new SplittableRandom(4);
            Tensor x = random(rng, 3, 4, 5, 2);
            float[] plain = m.forward(x, false).toArray();
            float[] mirror = m.forward(mirrored(x), false).toArray();
            FlipAveraging f = new FlipAveraging();
            float[] got = f.logits(m, x).toArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(0.5 * ((double) plain[i] + mirror[i]), got[i], 1e-6, "logit " + i);
            }
            assertArrayEquals(plain, f.plainLogits().toArray(), 1e-6f);
            // a second batch of another shape reuses nothing stale
            Tensor x2 = random(rng, 1, 4, 5, 2);
            float[] p2 = m.forward(x2, false).toArray(), q2 = m.forward(mirrored(x2), false).toArray();
            float[] g2 = f.logits(m, x2).toArray();
            for (int i = 0; i < g2.length; i++) assertEquals(0.5 * ((double) p2[i] + q2[i]), g2[i], 1e-6, "batch 2 logit " + i);
        });
    }

    @Test
    void flipWidthMirrorsEachRow() {
        Tensor x = random(new SplittableRandom(1), 2, 3, 7, 3);
        Tensor y = Tensor.zeros(2, 3, 7, 3);
        FlipAveraging.flipWidth(x, y);
        assertArrayEquals(mirrored(x).toArray(), y.toArray());
        Tensor back = Tensor.zeros(2, 3, 7, 3);
        FlipAveraging.flipWidth(y, back);
        assertArrayEquals(x.toArray(), back.toArray(), "flipping twice is the identity");
        Tensor odd = random(new SplittableRandom(2), 1, 1, 1, 4); // width 1: unchanged
        Tensor oddOut = Tensor.zeros(1, 1, 1, 4);
        FlipAveraging.flipWidth(odd, oddOut);
        assertArrayEquals(odd.toArray(), oddOut.toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> FlipAveraging.flipWidth(x, Tensor.zeros(2, 3, 7, 2)));
        assertTrue(e.getMessage().contains("[2, 3, 7, 3] -> [2, 3, 7, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlipAveraging.flipWidth(x, x));
        assertThrows(IllegalArgumentException.class, () -> new FlipAveraging().logits(null, Tensor.zeros(2, 784)));
    }
}

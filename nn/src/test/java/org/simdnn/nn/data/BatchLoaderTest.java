package org.simdnn.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    private static final Dataset DATA = IdxTestFiles.synthetic(103, 6, 5);

    /** Every batch of an epoch, copied out (images then labels). */
    private static List<float[]> epoch(BatchLoader l, int e) {
        List<float[]> out = new ArrayList<>();
        l.startEpoch(e);
        while (l.hasNext()) {
            BatchLoader.Batch b = l.next();
            assertEquals(b.size(), b.images().dim(0));
            assertEquals(b.size(), b.labels().length);
            out.add(b.images().toArray());
            float[] lab = new float[b.size()];
            for (int i = 0; i < lab.length; i++) lab[i] = b.labels()[i];
            out.add(lab);
        }
        return out;
    }

    private static void assertSame(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i), b.get(i), "batch part " + i);
    }

    private static boolean equal(List<float[]> a, List<float[]> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) if (!Arrays.equals(a.get(i), b.get(i))) return false;
        return true;
    }

    @Test
    void sameSeedSameBatchesWithAndWithoutPrefetch() {
        Augmentation aug = new Augmentation(2, 0.5f);
        try (BatchLoader a = new BatchLoader(DATA, 16, true, 42, aug, Normalization.FASHION_MNIST, true);
             BatchLoader b = new BatchLoader(DATA, 16, true, 42, aug, Normalization.FASHION_MNIST, false);
             BatchLoader c = new BatchLoader(DATA, 16, true, 43, aug, Normalization.FASHION_MNIST, true)) {
            assertEquals(7, a.batchesPerEpoch());
            List<float[]> a0 = epoch(a, 0), a1 = epoch(a, 1);
            assertSame(a0, epoch(b, 0));
            assertSame(a1, epoch(b, 1));
            // an epoch started out of order (as on resume) equals the same epoch in sequence
            assertSame(a1, epoch(b, 1));
            assertFalse(equal(a0, a1), "epochs must be shuffled differently");
            assertFalse(equal(a0, epoch(c, 0)), "seeds must differ");
        }
    }

    @Test
    void shuffledEpochIsAPermutationWithLastPartialBatch() {
        try (BatchLoader l = new BatchLoader(DATA, 10, true, 7, Augmentation.NONE, Normalization.UNIT, true)) {
            l.startEpoch(3);
            int[] seen = new int[10];
            int total = 0, batches = 0, lastSize = 0;
            while (l.hasNext()) {
                BatchLoader.Batch b = l.next();
                for (int i = 0; i < b.size(); i++) seen[b.labels()[i]]++;
                total += b.size();
                lastSize = b.size();
                batches++;
            }
            assertEquals(103, total);
            assertEquals(11, batches);
            assertEquals(3, lastSize);
            for (int k = 0; k < 10; k++) assertEquals(k < 3 ? 11 : 10, seen[k], "label " + k);
            assertThrows(IllegalStateException.class, l::next);
        }
    }

    @Test
    void unshuffledNormalisesPixelsInOrder() {
        Normalization n = new Normalization(0.5f, 0.25f);
        try (BatchLoader l = new BatchLoader(DATA, 4, false, 1, Augmentation.NONE, n, true)) {
            l.startEpoch(0);
            l.next();
            BatchLoader.Batch b = l.next(); // images 4..7
            assertEquals(1, b.index());
            float[] x = b.images().toArray();
            for (int j = 0; j < 4; j++) {
                int i = 4 + j;
                assertEquals(i % 10, b.labels()[j]);
                for (int y = 0; y < 6; y++) for (int xx = 0; xx < 5; xx++) {
                    int v = (i * 31 + y * 7 + xx) & 0xff;
                    assertEquals((v / 255f - 0.5f) / 0.25f, x[(j * 6 + y) * 5 + xx], 1e-6f);
                }
            }
        }
    }

    @Test
    void augmentationIsAShiftOrFlipOfTheImage() {
        Normalization n = Normalization.UNIT;
        try (BatchLoader l = new BatchLoader(DATA, 103, false, 5, new Augmentation(2, 0.5f), n, false)) {
            l.startEpoch(0);
            float[] x = l.next().images().toArray();
            int flips = 0, shifts = 0;
            for (int i = 0; i < 103; i++) {
                boolean found = false;
                for (int f = 0; f < 2 && !found; f++) for (int dy = -2; dy <= 2 && !found; dy++) for (int dx = -2; dx <= 2 && !found; dx++) {
                    boolean ok = true;
                    for (int y = 0; y < 6 && ok; y++) for (int xx = 0; xx < 5 && ok; xx++) {
                        int sy = y + dy, sx = (f == 1 ? 4 - xx : xx) + dx;
                        float want = sy < 0 || sy >= 6 || sx < 0 || sx >= 5 ? 0f : ((i * 31 + sy * 7 + sx) & 0xff) / 255f;
                        ok = Math.abs(x[(i * 6 + y) * 5 + xx] - want) < 1e-6f;
                    }
                    if (ok) {
                        found = true;
                        if (f == 1) flips++;
                        if (dy != 0 || dx != 0) shifts++;
                    }
                }
                assertTrue(found, "image " + i + " is not a shifted/flipped copy");
            }
            assertTrue(flips > 25 && flips < 80, "flips " + flips);
            assertTrue(shifts > 60, "shifts " + shifts);
        }
    }

    @Test
    void normalizationOfDataset() {
        Normalization n = Normalization.of(DATA);
        float[] all = DATA.toTensor(Normalization.UNIT).toArray();
        double s = 0;
        for (float v : all) s += v;
        assertEquals(s / all.length, n.mean(), 1e-5);
        float[] z = DATA.toTensor(n).toArray();
        double m = 0, v2 = 0;
        for (float v : z) m += v;
        m /= z.length;
        for (float v : z) v2 += (v - m) * (v - m);
        assertEquals(0, m, 1e-4);
        assertEquals(1, Math.sqrt(v2 / z.length), 1e-3);
        assertThrows(IllegalArgumentException.class, () -> new Normalization(0f, 0f));
    }
}

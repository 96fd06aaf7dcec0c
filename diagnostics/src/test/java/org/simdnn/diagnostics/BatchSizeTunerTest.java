package org.simdnn.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tuner on a fake clock: no timing, so the answer is exact. */
class BatchSizeTunerTest {
    @Test
    void choosesAMeasuredSizeAndTheSmallestWithinTolerance() {
        long[] now = {0};
        List<Integer> stepped = new ArrayList<>();
        // cost per step: 1 ms overhead + 10 us per image, + 30 us per image past 48 (a "cache" cliff)
        BatchSizeTuner.Workload w = b -> {
            stepped.add(b);
            now[0] += 1_000_000L + 10_000L * b + (b > 48 ? 30_000L * b : 0);
        };
        int[] sizes = BatchSizeTuner.Settings.range(16, 64, 16);
        BatchSizeTuner.Result r = new BatchSizeTuner(w, () -> now[0]).run(new BatchSizeTuner.Settings(sizes, 1, 3, 32, 0.02));
        assertEquals(4, r.points().size());
        for (int s : sizes) assertTrue(stepped.contains(s), "measured " + s);
        assertEquals((1 + 3 * 2) + 3 * (1 + 3 * 1), stepped.size()); // 32 images a run: 2 steps at 16, 1 above
        // images/s = b / (1e-3 + 1e-5 b [+ 3e-5 b]): 16 -> 13793, 32 -> 24242, 48 -> 32432, 64 -> 17978
        assertEquals(48, r.best().batchSize());
        assertEquals(48, r.smallestNearBest().batchSize());
        assertEquals(48.0 / (1e-3 + 48e-5), r.best().median(), 1e-6);
        assertEquals(0, r.best().spread(), 1e-12);
        BatchSizeTuner.Jump first = r.largestJumps().get(0);
        assertEquals(16, first.from()); // 16 -> 32 is +76 %, the largest relative change
        assertTrue(r.largestJumps().stream().anyMatch(j -> j.from() == 48 && j.change() < 0), "the cliff is listed");
    }

    @Test
    void smallestNearBestPrefersLessMemory() {
        List<BatchSizeTuner.Point> pts = List.of(new BatchSizeTuner.Point(16, 90, 90, 90), new BatchSizeTuner.Point(32, 99, 99, 99),
                new BatchSizeTuner.Point(48, 100, 100, 100));
        BatchSizeTuner.Result r = BatchSizeTuner.summarise(pts, 0.02);
        assertEquals(48, r.best().batchSize());
        assertEquals(32, r.smallestNearBest().batchSize());
    }
}

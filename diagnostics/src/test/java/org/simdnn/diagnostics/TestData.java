package org.simdnn.diagnostics;

import java.util.SplittableRandom;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/** Random single-channel images and labels for the diagnostics tests. */
final class TestData {
    private TestData() {}

    static LabeledBatch batch(int n, int side, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] px = new float[n * side * side];
        for (int i = 0; i < px.length; i++) px[i] = (float) rng.nextGaussian();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(classes);
        return new LabeledBatch(Tensor.wrap(px, 0, Layout.NHWC, n, side, side, 1), labels);
    }
}

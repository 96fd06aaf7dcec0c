package org.simdnn.nn.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.io.SafeTensors;
import org.simdnn.tensor.Tensor;

/** Synthetic data and the skip rule shared by the training tests. */
final class TrainTestSupport {
    private TrainTestSupport() {}

    /**
     * n images of size x size, 10 classes: class k lights a bright k-dependent bar (row k % size, or column k
     * for k >= size) over seeded noise, so a small network separates them within an epoch or two.
     */
    static Dataset bars(int n, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            labels[i] = k;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean on = k < size ? y == k : x == (k - size) % size;
                    int v = (on ? 180 : 0) + r.nextInt(60);
                    px[(i * size + y) * size + x] = (byte) v;
                }
            }
        }
        return new Dataset("bars", px, labels, size, size, 1, 10);
    }

    /** The tensors of {@code t}'s checkpoint, written to {@code file} and read back: its whole training state. */
    static Map<String, Tensor> checkpointTensors(Trainer t, Path file) throws IOException {
        t.saveCheckpoint(file, Map.of());
        return SafeTensors.read(file).tensors();
    }

    /** Runs {@code body}, turning a backend op that is not implemented yet into a skip that names it. */
    static void withBackendOps(ThrowingRunnable body) throws Throwable {
        try {
            body.run();
        } catch (Throwable t) {
            // also when an assertThrows met the missing op instead of the exception it expected
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof UnsupportedOperationException u) {
                    Assumptions.abort("backend op missing, test skipped until it lands: " + u.getMessage());
                }
            }
            throw t;
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Throwable;
    }
}

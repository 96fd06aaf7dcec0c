package org.simdnn.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.kernels.conv.ConvAlgo;
import org.simdnn.kernels.conv.ConvPass;
import org.simdnn.kernels.conv.ConvPlanner;
import org.simdnn.kernels.gemm.Gemm;
import org.simdnn.ops.BatchNormDesc;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.Pool2dDesc;
import org.simdnn.reference.Check;
import org.simdnn.tensor.Tensor;

/**
 * Bit reproducibility of every reducing op of the CPU backend: the same inputs must give the same bits however
 * {@link Parallel} schedules the work. {@code forRange} hands ranges out dynamically, and a call made while the
 * workers are busy (a second application thread, or a nested call) runs as one range on its caller's thread, so
 * a reduction whose partial sums follow the ranges changes its summation order with the scheduling. Each op
 * runs with 2 threads repeatedly, nested inside a busy {@code forRange} (one range), against a background thread
 * that keeps grabbing the workers, and with 1, 3 and 4 threads; every result must equal the first bit for bit.
 *
 * <p>Verified to fail before the fixed-chunk reductions (2026-11-25): the conv backward-weights paths
 * (implicit GEMM, depthwise, direct) differed in the nested case and across thread counts, the CpuOps
 * reductions (batch-norm statistics and backward, sumRows, sum, PReLU slope, the loss) across thread counts.
 */
class DeterminismTest {
    private static final CpuBackend CPU = new CpuBackend();
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    static Stream<Named<Supplier<float[]>>> ops() {
        List<Named<Supplier<float[]>>> ops = new ArrayList<>();
        // conv backward weights (+ bias gradient) on each implementation that reduces over the batch
        ops.add(conv(ConvAlgo.IMPLICIT_GEMM, Conv2dDesc.of(8, 12, 12, 16, 32, 3, 1, 1)));
        ops.add(conv(ConvAlgo.IMPLICIT_GEMM, Conv2dDesc.of(7, 13, 11, 5, 24, 3, 2, 1)));
        // inC a multiple of 2 vectors (at 128/256/512 bits) takes the transposed weight-gradient tile
        ops.add(conv(ConvAlgo.IMPLICIT_GEMM, Conv2dDesc.of(6, 10, 10, 32, 24, 3, 1, 1)));
        ops.add(conv(ConvAlgo.IMPLICIT_GEMM, Conv2dDesc.of(5, 9, 9, 64, 40, 3, 1, 1)));
        ops.add(conv(ConvAlgo.DEPTHWISE, new Conv2dDesc(7, 10, 10, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 24)));
        ops.add(conv(ConvAlgo.DEPTHWISE, new Conv2dDesc(6, 9, 9, 8, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8)));
        ops.add(conv(ConvAlgo.DIRECT, new Conv2dDesc(9, 8, 8, 8, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2)));
        ops.add(conv(ConvAlgo.DIRECT, Conv2dDesc.of(5, 10, 10, 1, 4, 3, 1, 1)));
        ops.add(conv(ConvAlgo.IM2COL_GEMM, Conv2dDesc.of(8, 12, 12, 16, 32, 3, 1, 1)));
        ops.add(conv(ConvAlgo.POINTWISE_GEMM, Conv2dDesc.of(8, 16, 16, 32, 32, 1, 1, 0)));
        // CpuOps reductions, large enough to be split (PAR_MIN elements)
        ops.add(Named.of("batchNormForwardTraining", () -> batchNorm(false, false)));
        ops.add(Named.of("batchNormBackward", () -> batchNorm(true, false)));
        ops.add(Named.of("batchNormBackward+relu", () -> batchNorm(true, true)));
        ops.add(Named.of("sumRows (bias gradient)", () -> {
            Tensor x = Tensor.wrap(Check.random(21, 5003 * 40), 5003, 40), out = Tensor.zeros(40);
            CPU.sumRows(x, out, 0f);
            return out.toArray();
        }));
        ops.add(Named.of("sum, sumSquares", () -> {
            Tensor x = Tensor.wrap(Check.random(22, 300_007), 300_007);
            return concat(bits(CPU.sum(x)), bits(CPU.sumSquares(x)));
        }));
        ops.add(Named.of("preluBackward", () -> {
            int rows = 4001, c = 33;
            Tensor x = Tensor.wrap(Check.random(23, rows * c), rows, c), dy = Tensor.wrap(Check.random(24, rows * c), rows, c);
            Tensor slope = Tensor.wrap(Check.random(25, c), c), dx = Tensor.zeros(rows, c), ds = Tensor.zeros(c);
            CPU.preluBackward(x, slope, dy, dx, ds);
            return concat(dx.toArray(), ds.toArray());
        }));
        ops.add(Named.of("softmaxCrossEntropy", () -> {
            int rows = 9000, k = 10;
            Tensor logits = Tensor.wrap(Check.random(26, rows * k), rows, k), dl = Tensor.zeros(rows, k);
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) labels[i] = (i * 7) % k;
            float loss = CPU.softmaxCrossEntropy(logits, labels, 0.1f, dl);
            return concat(new float[] {loss}, dl.toArray());
        }));
        // pooling backward with overlapping windows (dX gets several contributions), parallel over images
        ops.add(Named.of("maxPool2d 3x3/2 forward+backward", () -> {
            Pool2dDesc d = new Pool2dDesc(16, 31, 31, 24, 3, 3, 2, 2, 1, 1, 1, 1);
            Tensor x = Tensor.wrap(Check.random(41, 16 * 31 * 31 * 24), d.inputShape()), y = Tensor.zeros(d.outputShape());
            Tensor dy = Tensor.wrap(Check.random(42, y.size()), d.outputShape()), dx = Tensor.zeros(d.inputShape());
            int[] argmax = new int[y.size()];
            CPU.maxPool2dForward(d, x, y, argmax);
            CPU.maxPool2dBackward(d, dy, argmax, dx);
            return concat(y.toArray(), dx.toArray());
        }));
        ops.add(Named.of("avgPool2d 3x3/2 backward", () -> {
            Pool2dDesc d = new Pool2dDesc(16, 31, 31, 24, 3, 3, 2, 2, 1, 1, 1, 1);
            Tensor dy = Tensor.wrap(Check.random(43, d.batch() * d.outH() * d.outW() * 24), d.outputShape());
            Tensor dx = Tensor.zeros(d.inputShape());
            CPU.avgPool2dBackward(d, dy, dx);
            return dx.toArray();
        }));
        ops.add(Named.of("sgemm 301x257x283", () -> {
            int m = 301, n = 257, k = 283;
            float[] c = new float[m * n];
            Gemm.sgemm(false, true, m, n, k, 1f, Check.random(27, m * k), 0, k, Check.random(28, n * k), 0, k, 0f, c, 0, n);
            return c;
        }));
        ops.add(Named.of("sgemm transA 263x300x1031", () -> {
            int m = 263, n = 300, k = 1031;
            float[] c = new float[m * n];
            Gemm.sgemm(true, false, m, n, k, 1f, Check.random(29, k * m), 0, m, Check.random(30, k * n), 0, n, 0f, c, 0, n);
            return c;
        }));
        return ops.stream();
    }

    private static Named<Supplier<float[]>> conv(ConvAlgo algo, Conv2dDesc d) {
        return Named.of(algo.id() + " backward weights " + d.shapeString(), () -> {
            String why = ConvPlanner.explain(d, ConvPass.BACKWARD_WEIGHTS);
            Assumptions.assumeTrue(why.contains(algo.id() + ": accepted"), why);
            int xs = d.batch() * d.inH() * d.inW() * d.inC(), ys = d.batch() * d.outH() * d.outW() * d.outC();
            float[] x = Check.random(11, xs), dy = Check.random(12, ys);
            float[] dw = new float[d.kH() * d.kW() * d.inCPerGroup() * d.outC()], db = new float[d.outC()];
            ConvPlanner.backwardWeights(algo, d, x, 0, dy, 0, dw, 0, db, 0);
            return concat(dw, db);
        });
    }

    private static float[] batchNorm(boolean backward, boolean relu) {
        int rows = 6000, c = 40;
        BatchNormDesc d = new BatchNormDesc(rows, c, 1e-5f, 0.1f, relu);
        float[] xv = Check.random(31, rows * c);
        for (int i = 0; i < xv.length; i++) xv[i] = 3f + 2f * xv[i]; // a mean away from 0
        Tensor x = Tensor.wrap(xv, rows, c), y = Tensor.zeros(rows, c);
        Tensor gamma = Tensor.wrap(Check.random(32, c), c), beta = Tensor.wrap(Check.random(33, c), c);
        Tensor rm = Tensor.zeros(c), rv = Tensor.wrap(Check.random(34, c), c), sm = Tensor.zeros(c), si = Tensor.zeros(c);
        CPU.batchNormForwardTraining(d, x, gamma, beta, rm, rv, y, sm, si);
        if (!backward) return concat(y.toArray(), rm.toArray(), rv.toArray(), sm.toArray(), si.toArray());
        Tensor dy = Tensor.wrap(Check.random(35, rows * c), rows, c), dx = Tensor.zeros(rows, c);
        Tensor dg = Tensor.zeros(c), db = Tensor.zeros(c);
        CPU.batchNormBackward(d, x, y, dy, gamma, sm, si, dx, dg, db);
        return concat(dx.toArray(), dg.toArray(), db.toArray());
    }

    /** A double's 64 bits as two floats' bit patterns, so the bit comparison sees all of them. */
    private static float[] bits(double v) {
        long b = Double.doubleToRawLongBits(v);
        return new float[] {Float.intBitsToFloat((int) (b >>> 32)), Float.intBitsToFloat((int) b)};
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private static void assertSameBits(float[] expected, float[] actual, String when) {
        assertNotNull(actual, when);
        assertEquals(expected.length, actual.length, when);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(when + ": element " + i + " is " + actual[i] + ", the first run gave "
                        + expected[i] + " (not bit-identical)");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void sameBitsWhateverTheScheduling(Supplier<float[]> op) throws InterruptedException {
        Parallel.setThreads(2);
        float[] first = op.get();
        for (int i = 0; i < 3; i++) assertSameBits(first, op.get(), "2 threads, repeat " + i);

        // Nested inside a forRange: the workers are busy, so the op's own forRange runs as one range.
        float[][] nested = new float[1][];
        Parallel.forRange(2, 1, (w, a, b) -> {
            if (w == 0) nested[0] = op.get();
        });
        assertSameBits(first, nested[0], "2 threads, called while the workers are busy");

        // Another application thread keeps taking the workers: some calls split, some run alone.
        AtomicBoolean stop = new AtomicBoolean();
        Thread rival = new Thread(() -> {
            while (!stop.get()) {
                Parallel.forRange(2, 1, (w, a, b) -> {
                    long end = System.nanoTime() + 30_000;
                    while (System.nanoTime() < end) Thread.onSpinWait();
                });
            }
        }, "determinism-rival");
        rival.setDaemon(true);
        rival.start();
        try {
            for (int i = 0; i < 4; i++) assertSameBits(first, op.get(), "2 threads, rival thread, repeat " + i);
        } finally {
            stop.set(true);
            rival.join();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void sameBitsForEveryThreadCount(Supplier<float[]> op) {
        Parallel.setThreads(2);
        float[] two = op.get();
        for (int t : new int[] {1, 3, 4}) {
            Parallel.setThreads(t);
            assertSameBits(two, op.get(), t + " threads vs 2");
        }
    }
}

package org.simdnn.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.simdnn.kernels.gemm.MicroKernel;

/**
 * The GEMM micro-kernels alone, one per row of the kernel table ({@link MicroKernel#ids()}, checked by a test):
 * packed A and B slivers already in the kernel's layout and resident in L1, C written with beta 0, so the
 * score is the register tile's FMA throughput over k without packing, blocking or threads. One operation
 * fills a 24 x 32 block of C (the least common multiple of every tile: 6x2v and 8x2v at 512 bits, 6x2v at 256/128 and 4x4 scalar)
 * by tiles of depth k, so FLOPs = 2·12·32·k whatever the kernel. A kernel wider than this CPU's species is
 * skipped. Setup checks every tile against a double-precision reference before timing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class MicroKernelBench {
    static final int ROWS = 24, COLS = 32;

    /** Depth of one tile call: below, at and above a cache line of A, and the table's kc. */
    @Param({"k16", "k64", "k256", "k512"})
    public String shape;

    @Param({"f32-gemm-6x2v-broadcast-512", "f32-gemm-8x2v-broadcast-512", "f32-gemm-6x2v-broadcast-256", "f32-gemm-6x2v-broadcast-128",
            "f32-gemm-4x4-scalar"})
    public String impl;

    private MicroKernel kernel;
    private int k, mr, nr;
    private float[] pa, pb, c;

    static int depth(String shape) {
        if (!shape.matches("k[1-9]\\d*")) throw new IllegalArgumentException("shape must look like k512, got " + shape);
        return Integer.parseInt(shape.substring(1));
    }

    /** FLOPs of one operation: the 24 x 32 block of C at depth k. */
    public static double flops(String shape) { return 2.0 * ROWS * COLS * depth(shape); }

    @Setup(Level.Trial)
    public void setup() {
        k = depth(shape);
        kernel = MicroKernel.of(impl);
        if (!MicroKernel.runnableIds().contains(impl)) {
            throw new UnsupportedOperationException("skip: " + impl + " is wider than this CPU's vectors (runs "
                    + MicroKernel.runnableIds() + ")");
        }
        mr = kernel.mr();
        nr = kernel.nr();
        if (ROWS % mr != 0 || COLS % nr != 0) {
            throw new IllegalStateException(impl + " tile " + mr + "x" + nr + " does not divide " + ROWS + "x" + COLS);
        }
        SplittableRandom r = new SplittableRandom(5);
        pa = new float[k * mr];
        pb = new float[k * nr];
        for (int i = 0; i < pa.length; i++) pa[i] = (float) (r.nextDouble() * 2 - 1);
        for (int i = 0; i < pb.length; i++) pb[i] = (float) (r.nextDouble() * 2 - 1);
        c = new float[ROWS * COLS];
        block();
        verify();
    }

    @Benchmark
    public float[] block() {
        for (int i = 0; i < ROWS; i += mr) {
            for (int j = 0; j < COLS; j += nr) kernel.tile(k, pa, pb, c, i * COLS + j, COLS);
        }
        return c;
    }

    /** Every tile of C against sum_p A(i,p) B(p,j) in double, tolerance 2·max(16,k)·ulp(1)·Σ|a||b|. */
    private void verify() {
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j++) {
                double acc = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) pa[p * mr + i % mr] * pb[p * nr + j % nr];
                    acc += t;
                    abs += Math.abs(t);
                }
                if (!(Math.abs(acc - c[i * COLS + j]) <= 2.0 * Math.max(16, k) * Math.ulp(1f) * abs + 1e-30)) {
                    throw new IllegalStateException(impl + " " + shape + " wrong at (" + i + "," + j + "): "
                            + c[i * COLS + j] + " vs reference " + acc);
                }
            }
        }
    }
}

package org.simdnn.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.simdnn.ffm.blas.OpenBlas;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.kernels.gemm.Gemm;

/**
 * Row-major SGEMM, C = A * B (alpha 1, beta 0, no transposes), ours against OpenBLAS in the same run.
 * GFLOPS = score (ops/s) x {@link #flops(String)} / 1e9.
 *
 * <ul>
 *   <li>{@code simdnn}: {@link Gemm#sgemm} on {@code threads} threads ({@link Parallel#setThreads}).
 *   <li>{@code naive}: the triple loop, only for shapes up to 128^3 (setup refuses larger ones).
 *   <li>{@code openblas-ffm}: {@link OpenBlas#sgemm} (our FFM bridge, heap arrays passed without copies) — the
 *       same library as below, so the difference between the two is the call overhead.
 *   <li>{@code openblas-jni}: bytedeco's {@code cblas_sgemm} on off-heap {@link FloatPointer}s (no array copies:
 *       this is OpenBLAS's own speed), threads set with {@code blas_set_num_threads}. The machine's env pins
 *       OPENBLAS_CORETYPE=Haswell; run also under {@code env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE} for its
 *       best (AVX-512) kernel.
 * </ul>
 * Shapes: squares, dense layers at batch 128 (m128n256k784/3136) and the im2col GEMMs of 3x3 convolutions at
 * batch 128 (m100352n32k288, m25088n64k576). Setup checks sampled rows against a double reference.
 *
 * <p>Warm-up matters more than usual: until C2 has compiled the micro-kernel, the Vector API runs boxed (C1 /
 * interpreter: ~100x slower, hundreds of KB allocated per call). On a quiet machine that takes 1–3 s; on an
 * overloaded one (load 20 on 2 cores) it took over 10 s, hence 8 warm-up iterations by default and 15 in the
 * recorded runs (docs/kernels.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBench {

    @Param({"m8n8k8", "m16n16k16", "m64n64k64", "m128n128k128", "m256n256k256", "m512n512k512", "m1024n1024k1024",
            "m128n256k784", "m128n256k3136", "m100352n32k288", "m25088n64k576"})
    public String shape;

    @Param({"simdnn", "openblas-ffm", "openblas-jni", "naive"})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    private int m, n, k;
    private float[] a, b, c;
    private FloatPointer pa, pb, pc;

    private static final Pattern SHAPE = Pattern.compile("m(\\d+)n(\\d+)k(\\d+)");

    static int[] parse(String shape) {
        Matcher mt = SHAPE.matcher(shape);
        if (!mt.matches()) throw new IllegalArgumentException("shape must look like m512n512k512, got " + shape);
        return new int[] {Integer.parseInt(mt.group(1)), Integer.parseInt(mt.group(2)), Integer.parseInt(mt.group(3))};
    }

    /** FLOPs of one C = A*B: 2 m n k. */
    public static double flops(String shape) {
        int[] s = parse(shape);
        return 2.0 * s[0] * s[1] * s[2];
    }

    @Setup(Level.Trial)
    public void setup() {
        int[] s = parse(shape);
        m = s[0];
        n = s[1];
        k = s[2];
        if (impl.equals("naive") && (long) m * n * k > 128L * 128 * 128) {
            throw new IllegalStateException("naive is only benchmarked up to 128^3 (skip " + shape + ")");
        }
        a = random(1, m * k);
        b = random(2, k * n);
        c = new float[m * n];
        switch (impl) {
            case "simdnn" -> Parallel.setThreads(threads);
            case "naive" -> { }
            case "openblas-ffm" -> {
                if (!OpenBlas.isAvailable()) throw new IllegalStateException("OpenBLAS not loadable: " + OpenBlas.availability());
                OpenBlas.setThreads(threads);
            }
            case "openblas-jni" -> {
                openblas.blas_set_num_threads(threads);
                pa = new FloatPointer(a);
                pb = new FloatPointer(b);
                pc = new FloatPointer(c.length);
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        }
        gemm();
        if (pc != null) pc.get(c);
        verify();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pa != null) {
            pa.close();
            pb.close();
            pc.close();
        }
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Benchmark
    public Object gemm() {
        switch (impl) {
            case "simdnn" -> Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            case "openblas-ffm" -> OpenBlas.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            case "openblas-jni" -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                    openblas.CblasNoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
            default -> naive(m, n, k, a, b, c);
        }
        return c;
    }

    static void naive(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc += a[i * k + p] * b[p * n + j];
                c[i * n + j] = acc;
            }
        }
    }

    /** Sampled rows against a double-precision reference, tolerance 2·max(16,k)·ulp(1)·Σ|a||b|. */
    private void verify() {
        SplittableRandom r = new SplittableRandom(7);
        for (int s = 0; s < 8; s++) {
            int i = s == 0 ? m - 1 : r.nextInt(m);
            for (int j = 0; j < n; j++) {
                double acc = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) a[i * k + p] * b[p * n + j];
                    acc += t;
                    abs += Math.abs(t);
                }
                double tol = 2.0 * Math.max(16, k) * Math.ulp(1f) * abs + 1e-30;
                if (!(Math.abs(acc - c[i * n + j]) <= tol)) {
                    throw new IllegalStateException(impl + " " + shape + " wrong at (" + i + "," + j + "): " + c[i * n + j]
                            + " vs reference " + acc);
                }
            }
        }
    }

    private static float[] random(long seed, int size) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}

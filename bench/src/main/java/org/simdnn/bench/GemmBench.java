package org.simdnn.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * Row-major SGEMM, C = A * B (alpha 1, beta 0; A not transposed, B as the shape says), ours against OpenBLAS in
 * the same run. GFLOPS = score (ops/s) x {@link #flops(String)} / 1e9. A shape {@code m1n1000k512} has B row-major
 * ({@code k x n}); with the suffix {@code bt}, {@code m1n1000k512bt}, B is stored transposed ({@code n x k}, the
 * layout of an ONNX Gemm with transB = 1 and of a PyTorch Linear weight).
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
 *   <li>{@code openblas-sgemv}: OpenBLAS's {@code cblas_sgemv} through FFM, for m = 1 only (other shapes are skipped).
 *   <li>{@code stream}: no product: the sum of all of B with vector loads, split between {@code threads} like the
 *       small-m kernel splits B. The read bandwidth of this machine for a B of that size (L1, L2, L3 or DRAM),
 *       against which the GB/s of the small-m rows are read; small-m shapes only (m <= 8, others are skipped).
 * </ul>
 * Shapes: squares, dense layers at batch 128 (m128n256k784/3136) and the im2col GEMMs of 3x3 convolutions at
 * batch 128 (m100352n32k288, m25088n64k576). Setup checks sampled rows against a double reference.
 *
 * <p>Small m (batch-1 to batch-4 inference, B streamed once): the declared list stays the large-GEMM one; the
 * small-m table is {@link #SMALL_M_SHAPES}, run as {@code ./simdnn bench gemm -p shape=<that list>} (docs/kernels.md).
 * For m <= 8 the report adds GB/s = B's bytes / time ({@link #bytes(String)}).
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

    @Param({"simdnn", "openblas-ffm", "openblas-jni", "naive", "openblas-sgemv", "stream"})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    /**
     * The small-m table: m = 1, 2, 4 at n = k from 64 to 4096, and the fully connected layers of the reference CNN
     * (k 3136, n 128), ResNet-18 (512 -> 1000) and MobileNetV2 (1280 -> 1000); three of them also with B transposed.
     */
    public static final String SMALL_M_SHAPES = "m1n64k64,m1n256k256,m1n1024k1024,m1n4096k4096,m2n256k256,m2n1024k1024,"
            + "m4n64k64,m4n256k256,m4n1024k1024,m4n4096k4096,m1n128k3136,m1n1000k512,m1n1000k1280,m1n128k3136bt,"
            + "m1n1000k512bt,m4n1024k1024bt";

    private int m, n, k;
    private boolean transB;
    private final float[] sums = new float[64];
    private final Parallel.RangeBody streamBody = this::streamRange;
    private float[] a, b, c;
    private FloatPointer pa, pb, pc;

    private static final Pattern SHAPE = Pattern.compile("m(\\d+)n(\\d+)k(\\d+)(bt)?");

    static int[] parse(String shape) {
        Matcher mt = SHAPE.matcher(shape);
        if (!mt.matches()) throw new IllegalArgumentException("shape must look like m512n512k512 or m1n1000k512bt, got " + shape);
        return new int[] {Integer.parseInt(mt.group(1)), Integer.parseInt(mt.group(2)), Integer.parseInt(mt.group(3))};
    }

    /** FLOPs of one C = A*B: 2 m n k. */
    public static double flops(String shape) {
        int[] s = parse(shape);
        return 2.0 * s[0] * s[1] * s[2];
    }

    /** Whether the shape stores B transposed (suffix {@code bt}). */
    static boolean transB(String shape) {
        parse(shape);
        return shape.endsWith("bt");
    }

    /**
     * Bytes of B (the weights), 4 k n, for the small-m shapes (m <= 8), where reading B is the time: the report's
     * GB/s column. NaN for larger m, where the product is compute-bound and the figure would mean nothing.
     */
    public static double bytes(String shape) {
        int[] s = parse(shape);
        return s[0] <= 8 ? 4.0 * s[1] * s[2] : Double.NaN;
    }

    @Setup(Level.Trial)
    public void setup() {
        int[] s = parse(shape);
        m = s[0];
        n = s[1];
        k = s[2];
        transB = transB(shape);
        if (impl.equals("openblas-sgemv") && m != 1) {
            throw new IllegalStateException("openblas-sgemv is for m = 1 only (skip " + shape + ")");
        }
        if (impl.equals("stream") && m > 8) {
            throw new IllegalStateException("stream is the read-bandwidth probe of the small-m shapes, m <= 8 (skip " + shape + ")");
        }
        if (impl.equals("naive") && (long) m * n * k > 128L * 128 * 128) {
            throw new IllegalStateException("naive is only benchmarked up to 128^3 (skip " + shape + ")");
        }
        a = random(1, m * k);
        b = random(2, k * n);
        c = new float[m * n];
        switch (impl) {
            case "simdnn", "stream" -> Parallel.setThreads(threads);
            case "naive" -> { }
            case "openblas-ffm", "openblas-sgemv" -> {
                if (!OpenBlas.isAvailable()) throw new IllegalStateException("OpenBLAS not loadable: " + OpenBlas.availability());
                OpenBlas.setThreads(threads);
                // Which of its kernels OpenBLAS chose (OPENBLAS_CORETYPE set or not): in jmh.log / jmh-auto.log.
                System.out.println("# OpenBLAS core: " + OpenBlas.coreName() + ", threads " + threads);
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
        if (impl.equals("stream")) {
            verifyStream();
        } else {
            verify();
        }
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
        int ldb = transB ? k : n;
        switch (impl) {
            case "simdnn" -> Gemm.sgemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
            case "openblas-ffm" -> OpenBlas.sgemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
            case "openblas-jni" -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                    transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, 1f, pa, k, pb, ldb, 0f, pc, n);
            // c (1 x n) = a (1 x k) B: y = B^T x over the k x n matrix B, or y = B x over the stored n x k one.
            case "openblas-sgemv" -> {
                if (transB) {
                    OpenBlas.sgemv(false, n, k, 1f, b, 0, k, a, 0, 1, 0f, c, 0, 1);
                } else {
                    OpenBlas.sgemv(true, k, n, 1f, b, 0, n, a, 0, 1, 0f, c, 0, 1);
                }
            }
            case "stream" -> {
                Parallel.forRange(threads, 1, streamBody);
                c[0] = sums[0];
            }
            default -> naive(m, n, k, transB, a, b, c);
        }
        return c;
    }

    /** Part {@code from} of {@code threads} equal parts of B, summed with eight vector accumulators. */
    private void streamRange(int worker, int from, int to) {
        for (int part = from; part < to; part++) {
            int lo = (int) ((long) b.length * part / threads), hi = (int) ((long) b.length * (part + 1) / threads);
            sums[part] = sum(b, lo, hi);
        }
    }

    static float sum(float[] x, int lo, int hi) {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        int l = s.length(), i = lo;
        FloatVector z = FloatVector.zero(s), s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
        for (; i + 8 * l <= hi; i += 8 * l) {
            s0 = s0.add(FloatVector.fromArray(s, x, i));
            s1 = s1.add(FloatVector.fromArray(s, x, i + l));
            s2 = s2.add(FloatVector.fromArray(s, x, i + 2 * l));
            s3 = s3.add(FloatVector.fromArray(s, x, i + 3 * l));
            s4 = s4.add(FloatVector.fromArray(s, x, i + 4 * l));
            s5 = s5.add(FloatVector.fromArray(s, x, i + 5 * l));
            s6 = s6.add(FloatVector.fromArray(s, x, i + 6 * l));
            s7 = s7.add(FloatVector.fromArray(s, x, i + 7 * l));
        }
        float t = s0.add(s1).add(s2.add(s3)).add(s4.add(s5).add(s6.add(s7))).reduceLanes(VectorOperators.ADD);
        for (; i < hi; i++) t += x[i];
        return t;
    }

    /** The probe read all of B: its parts add up to B's sum. */
    private void verifyStream() {
        double want = 0, abs = 0, got = 0;
        for (float x : b) {
            want += x;
            abs += Math.abs(x);
        }
        for (int p = 0; p < threads; p++) got += sums[p];
        if (!(Math.abs(got - want) <= 1e-3 * abs)) throw new IllegalStateException("stream " + shape + ": sum " + got + " vs " + want);
    }

    static void naive(int m, int n, int k, boolean transB, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc += a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
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
                    double t = (double) a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
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

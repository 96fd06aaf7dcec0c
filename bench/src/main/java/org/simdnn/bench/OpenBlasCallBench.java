package org.simdnn.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.*;
import org.simdnn.ffm.blas.OpenBlas;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.kernels.gemm.Gemm;

/**
 * Cost of one SGEMM call through our FFM bridge ({@code openblas-ffm}), through bytedeco's JNI binding with
 * heap arrays ({@code openblas-jni}) and with off-heap {@code FloatPointer}s filled once in setup
 * ({@code openblas-jni-ptr}: the binding without array handling), and in pure Java ({@code simdnn}): tiny shapes show per-call overhead,
 * large ones GFLOPS parity of the two paths into the same OpenBLAS build.
 *
 * <p>Both OpenBLAS copies are loaded in every fork (bytedeco's JNI copy from JavaCPP's cache, ours from
 * simdnn's cache; each has its own thread state), JNI first so that its binding resolves to its own copy,
 * and both get {@code threads}. Verified against a double-precision dot product on sampled entries first.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class OpenBlasCallBench {
    @Param({"m8n8k8", "m16n16k16", "m64n64k64", "m512n512k512", "m1024n1024k1024"})
    public String shape;

    @Param({"openblas-ffm", "openblas-jni", "openblas-jni-ptr", "simdnn"})
    public String impl;

    @Param({"1"})
    public int threads;

    private int m, n, k;
    private float[] a, b, c;
    private FloatPointer pa, pb, pc;

    /** FLOPs of one call: 2·M·N·K. */
    public static double flops(String shape) {
        int[] s = parse(shape);
        return 2.0 * s[0] * s[1] * s[2];
    }

    static int[] parse(String shape) {
        java.util.regex.Matcher mt = java.util.regex.Pattern.compile("m(\\d+)n(\\d+)k(\\d+)").matcher(shape);
        if (!mt.matches()) throw new IllegalArgumentException("shape must look like m8n8k8, got " + shape);
        return new int[] {Integer.parseInt(mt.group(1)), Integer.parseInt(mt.group(2)), Integer.parseInt(mt.group(3))};
    }

    @Setup(Level.Trial)
    public void setUp() {
        int[] s = parse(shape);
        m = s[0]; n = s[1]; k = s[2];
        a = random(1, m * k); b = random(2, k * n); c = new float[m * n];
        // JNI copy first (its JNI library then binds to it), then ours; both get the same thread count.
        openblas.blas_set_num_threads(threads);
        OpenBlas.setThreads(threads);
        Parallel.setThreads(threads);
        if (openblas.blas_get_num_threads() != threads || OpenBlas.threads() != threads) {
            throw new IllegalStateException("thread counts: jni " + openblas.blas_get_num_threads() + ", ffm "
                    + OpenBlas.threads() + ", wanted " + threads);
        }
        System.out.println("# OpenBLAS core (ffm copy): " + OpenBlas.coreName() + ", threads " + threads
                + ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE"));
        if (impl.equals("openblas-jni-ptr")) {
            pa = new FloatPointer(a); pb = new FloatPointer(b); pc = new FloatPointer(c.length);
        }
        call();
        if (pc != null) pc.get(c);
        verify();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (FloatPointer p : new FloatPointer[] {pa, pb, pc}) if (p != null) p.close();
    }

    private void verify() {
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < 64; t++) {
            int i = r.nextInt(m), j = r.nextInt(n);
            double ref = 0, mag = 0;
            for (int p = 0; p < k; p++) {
                ref += (double) a[i * k + p] * b[p * n + j];
                mag += Math.abs((double) a[i * k + p] * b[p * n + j]);
            }
            if (Math.abs(ref - c[i * n + j]) > 4.0 * Math.max(16, k) * Math.ulp(1f) * (mag + 1e-30)) {
                throw new IllegalStateException(impl + " " + shape + " wrong at (" + i + "," + j + "): " + c[i * n + j]
                        + " vs " + ref);
            }
        }
    }

    @Benchmark
    public float[] sgemm() {
        call();
        return c;
    }

    private void call() {
        switch (impl) {
            case "openblas-ffm" -> OpenBlas.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            case "openblas-jni" -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                    openblas.CblasNoTrans, m, n, k, 1f, a, k, b, n, 0f, c, n);
            case "openblas-jni-ptr" -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                    openblas.CblasNoTrans, m, n, k, 1f, pa, k, pb, n, 0f, pc, n);
            case "simdnn" -> Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            default -> throw new IllegalArgumentException("impl " + impl);
        }
    }

    private static float[] random(long seed, int len) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }
}

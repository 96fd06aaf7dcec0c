package org.simdnn.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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

/**
 * Issue 2's storage question: do Vector API load/FMA/store loops run as fast on {@code MemorySegment} as on
 * heap {@code float[]}? Two streaming kernels, {@code axpy} ({@code y = a*x + y}: 2 loads, 1 FMA, 1 store per
 * vector) and {@code dot} (2 loads, 1 FMA; four accumulators so the FMA latency is hidden), over
 *
 * <ul>
 *   <li>{@code heap-array}: {@code float[]} with {@code FloatVector.fromArray/intoArray} (what {@code Tensor} uses),
 *   <li>{@code heap-segment}: the same arrays wrapped by {@code MemorySegment.ofArray},
 *   <li>{@code native-segment}: off-heap memory from a shared {@link Arena}, 64-byte aligned,
 *   <li>{@code native-segment-off16}: the same, starting 16 bytes past a 64-byte boundary, as a heap
 *       {@code float[]}'s elements may (the JVM aligns objects to 8 bytes only, and the array header is 16
 *       bytes); it separates the cost of the storage kind from the cost of 512-bit accesses that straddle
 *       cache lines,
 * </ul>
 *
 * at sizes whose two operands fit L1 ({@code n2048}: 16 KiB), L2 ({@code n65536}: 512 KiB) and exceed L3
 * ({@code n16777216}: 128 MiB). The species is the preferred one (512 bits on AVX-512 machines).
 * Results and the decision: docs/storage.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StorageBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final float A = 1e-7f;

    @Param({"n2048", "n65536", "n16777216"})
    public String shape;

    @Param({"heap-array", "heap-segment", "native-segment", "native-segment-off16"})
    public String impl;

    /** All three sizes matter for the decision, so the quick preset keeps them. */
    public static final String[] QUICK_SHAPES = {"n2048", "n65536", "n16777216"};

    private int n;
    private float[] xa, ya;
    private MemorySegment xs, ys;
    private Arena arena;

    /** Both kernels do one multiply and one add per element. */
    public static double flops(String shape) {
        return 2.0 * parseN(shape);
    }

    static int parseN(String shape) {
        if (!shape.matches("n[1-9][0-9]*")) {
            throw new IllegalArgumentException("storage shape must look like n4096, got '" + shape + "'");
        }
        return Integer.parseInt(shape.substring(1));
    }

    @Setup(Level.Trial)
    public void setUp() {
        n = parseN(shape);
        xa = new float[n];
        ya = new float[n];
        for (int i = 0; i < n; i++) {
            xa[i] = (i % 17) * 0.125f - 1f;
            ya[i] = (i % 13) * 0.25f - 1.5f;
        }
        switch (impl) {
            case "heap-array" -> { }
            case "heap-segment" -> {
                xs = MemorySegment.ofArray(xa);
                ys = MemorySegment.ofArray(ya);
            }
            case "native-segment", "native-segment-off16" -> {
                long skew = impl.endsWith("off16") ? 16 : 0;
                arena = Arena.ofShared();
                xs = arena.allocate((long) n * Float.BYTES + skew, 64).asSlice(skew);
                ys = arena.allocate((long) n * Float.BYTES + skew, 64).asSlice(skew);
                MemorySegment.copy(xa, 0, xs, ValueLayout.JAVA_FLOAT, 0, n);
                MemorySegment.copy(ya, 0, ys, ValueLayout.JAVA_FLOAT, 0, n);
            }
            default -> throw new IllegalArgumentException("unknown storage impl '" + impl + "'");
        }
        verify();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (arena != null) arena.close();
    }

    /** Checks both kernels against plain loops (double accumulation for the dot) before anything is timed. */
    private void verify() {
        double ref = 0, sumAbs = 0;
        for (int i = 0; i < n; i++) {
            ref += (double) xa[i] * ya[i];
            sumAbs += Math.abs((double) xa[i] * ya[i]);
        }
        double got = dot();
        // Rigorous float summation bound: each accumulator adds n/(4L) terms, then 4L lanes are reduced.
        double tol = 0x1p-23 * (n / (4.0 * L) + 4 * L + 2) * sumAbs;
        if (Math.abs(got - ref) > tol) {
            throw new IllegalStateException("StorageBench " + impl + " " + shape + ": dot " + got + " != reference " + ref);
        }
        float[] expect = new float[n];
        for (int i = 0; i < n; i++) expect[i] = Math.fma(A, xa[i], ya[i]);
        axpy();
        for (int i = 0; i < n; i++) {
            float y = xs == null ? ya[i] : ys.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (y != expect[i]) {
                throw new IllegalStateException("StorageBench " + impl + " " + shape + ": axpy y[" + i + "] = " + y
                        + ", expected " + expect[i]);
            }
        }
    }

    @Benchmark
    public void axpy() {
        if (xs == null) axpyArray(A, xa, ya, n);
        else axpySegment(A, xs, ys, n);
    }

    @Benchmark
    public float dot() {
        return xs == null ? dotArray(xa, ya, n) : dotSegment(xs, ys, n);
    }

    static void axpyArray(float a, float[] x, float[] y, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            FloatVector.fromArray(S, x, i).fma(va, FloatVector.fromArray(S, y, i)).intoArray(y, i);
        }
        for (; i < n; i++) y[i] = Math.fma(a, x[i], y[i]);
    }

    static void axpySegment(float a, MemorySegment x, MemorySegment y, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += L) {
            long off = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, off, NATIVE).fma(va, FloatVector.fromMemorySegment(S, y, off, NATIVE))
                    .intoMemorySegment(y, off, NATIVE);
        }
        for (; i < n; i++) {
            y.setAtIndex(ValueLayout.JAVA_FLOAT, i,
                    Math.fma(a, x.getAtIndex(ValueLayout.JAVA_FLOAT, i), y.getAtIndex(ValueLayout.JAVA_FLOAT, i)));
        }
    }

    static float dotArray(float[] x, float[] y, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int i = 0;
        for (int ub = n - 4 * L; i <= ub; i += 4 * L) {
            s0 = FloatVector.fromArray(S, x, i).fma(FloatVector.fromArray(S, y, i), s0);
            s1 = FloatVector.fromArray(S, x, i + L).fma(FloatVector.fromArray(S, y, i + L), s1);
            s2 = FloatVector.fromArray(S, x, i + 2 * L).fma(FloatVector.fromArray(S, y, i + 2 * L), s2);
            s3 = FloatVector.fromArray(S, x, i + 3 * L).fma(FloatVector.fromArray(S, y, i + 3 * L), s3);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s = Math.fma(x[i], y[i], s);
        return s;
    }

    static float dotSegment(MemorySegment x, MemorySegment y, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int i = 0;
        long vb = (long) L * Float.BYTES;
        for (int ub = n - 4 * L; i <= ub; i += 4 * L) {
            long o = (long) i * Float.BYTES;
            s0 = FloatVector.fromMemorySegment(S, x, o, NATIVE).fma(FloatVector.fromMemorySegment(S, y, o, NATIVE), s0);
            s1 = FloatVector.fromMemorySegment(S, x, o + vb, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, y, o + vb, NATIVE), s1);
            s2 = FloatVector.fromMemorySegment(S, x, o + 2 * vb, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, y, o + 2 * vb, NATIVE), s2);
            s3 = FloatVector.fromMemorySegment(S, x, o + 3 * vb, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, y, o + 3 * vb, NATIVE), s3);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s = Math.fma(x.getAtIndex(ValueLayout.JAVA_FLOAT, i), y.getAtIndex(ValueLayout.JAVA_FLOAT, i), s);
        }
        return s;
    }
}

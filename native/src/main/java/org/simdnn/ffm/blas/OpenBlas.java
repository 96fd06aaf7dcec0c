package org.simdnn.ffm.blas;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.simdnn.kernels.gemm.GemmArgs;
import org.simdnn.ops.Availability;

/**
 * OpenBLAS from the bytedeco jar, called through {@code java.lang.foreign}. Heap {@code float[]} go to the
 * library without a copy (critical downcalls with heap access), and every argument is validated in Java
 * first: a wrong size or stride reaching native code would corrupt memory or crash the JVM, so it becomes an
 * {@link IllegalArgumentException} here instead.
 *
 * <p>Calls are thread-safe (OpenBLAS serialises its own thread pool); {@link #setThreads} is process-wide.
 */
public final class OpenBlas {
    /** Counts downcalls when {@code -Dsimdnn.openblas.countCalls=true} (tests prove bad input never reaches them). */
    private static final boolean COUNT_CALLS = Boolean.getBoolean("simdnn.openblas.countCalls");
    static final AtomicLong DOWNCALLS = new AtomicLong();

    private OpenBlas() {}

    /**
     * The hot handles in static finals: the JIT treats them as constants, inlines the downcall adapter and
     * scalar-replaces the heap segments (an instance-field handle measured 312 B/op of garbage at 8x8x8).
     */
    private static final class Bound {
        static final MethodHandle SGEMM, SGEMV;

        static {
            OpenBlasLibrary lib = OpenBlasLibrary.get().lib();
            SGEMM = lib == null ? null : lib.sgemm;
            SGEMV = lib == null ? null : lib.sgemv;
        }
    }

    /** Whether the library loaded; if so the detail names version, core type, threads and location. */
    public static Availability availability() {
        OpenBlasLibrary.Loaded l = OpenBlasLibrary.get();
        if (l.lib() == null) return Availability.no(l.failure());
        return Availability.yes(describe());
    }

    public static boolean isAvailable() { return OpenBlasLibrary.get().lib() != null; }

    /** One line: version, kernels chosen, threads. Throws {@link IllegalStateException} if unavailable. */
    public static String describe() {
        return "OpenBLAS " + OpenBlasLibrary.VERSION + " via FFM, core " + coreName() + ", " + threads()
                + " threads (config: " + config() + ")";
    }

    /** The kernel family OpenBLAS picked at load (e.g. "Haswell", "Cooperlake"); OPENBLAS_CORETYPE forces it. */
    public static String coreName() { return lib().coreName(); }

    /** OpenBLAS's build configuration string (version, DYNAMIC_ARCH, MAX_THREADS, ...). */
    public static String config() { return lib().config(); }

    /** Where the library was extracted and loaded from. */
    public static Path libraryDirectory() { return lib().dir; }

    /** OpenBLAS's own thread count, as the copy we call sees it. */
    public static int threads() { return lib().threads(); }

    /**
     * Sets OpenBLAS's thread count for this process (the copy we call). Applications that already run many
     * threads calling GEMM should use 1 so the two pools do not oversubscribe the cores. Call it while no
     * OpenBLAS call is in flight: OpenBLAS resizes its pool without waiting for running work.
     */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("OpenBLAS thread count must be >= 1, got " + n);
        lib().setThreads(n);
    }

    /**
     * Row-major SGEMM, {@code C = alpha * op(A) * op(B) + beta * C}, with exactly the contract of
     * {@link org.simdnn.kernels.gemm.Gemm#sgemm}: offsets and leading dimensions in floats; {@code beta == 0}
     * never reads C (NaN there is overwritten).
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA,
                             int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        MethodHandle h = Bound.SGEMM;
        if (h == null) lib(); // throws with the reason
        if (m == 0 || n == 0) return;
        if (k == 0) { // BLAS quick return: C = beta * C, A and B unread
            scale(beta, c, offC, ldc, m, n);
            return;
        }
        if (COUNT_CALLS) DOWNCALLS.incrementAndGet();
        try {
            Bound.SGEMM.invokeExact(OpenBlasLibrary.ROW_MAJOR, transA ? OpenBlasLibrary.TRANS : OpenBlasLibrary.NO_TRANS,
                    transB ? OpenBlasLibrary.TRANS : OpenBlasLibrary.NO_TRANS, m, n, k, alpha, at(a, offA), lda,
                    at(b, offB), ldb, beta, at(c, offC), ldc);
        } catch (Throwable t) {
            throw OpenBlasLibrary.rethrow(t);
        }
    }

    /**
     * Row-major SGEMV over an m x n matrix A: {@code y = alpha * op(A) * x + beta * y}. Increments may be
     * negative (BLAS order: the vector then runs from its last stored element); {@code beta == 0} never reads y.
     * As in reference BLAS, m == 0 or n == 0 leaves y untouched.
     */
    public static void sgemv(boolean trans, int m, int n, float alpha, float[] a, int offA, int lda, float[] x,
                             int offX, int incX, float beta, float[] y, int offY, int incY) {
        checkSgemv(trans, m, n, a, offA, lda, x, offX, incX, y, offY, incY);
        if (Bound.SGEMV == null) lib(); // throws with the reason
        if (m == 0 || n == 0) return;
        if (COUNT_CALLS) DOWNCALLS.incrementAndGet();
        try {
            Bound.SGEMV.invokeExact(OpenBlasLibrary.ROW_MAJOR, trans ? OpenBlasLibrary.TRANS : OpenBlasLibrary.NO_TRANS,
                    m, n, alpha, at(a, offA), lda, at(x, offX), incX, beta, at(y, offY), incY);
        } catch (Throwable t) {
            throw OpenBlasLibrary.rethrow(t);
        }
    }

    static void checkSgemv(boolean trans, int m, int n, float[] a, int offA, int lda, float[] x, int offX, int incX,
                           float[] y, int offY, int incY) {
        String ctx = " (m=" + m + " n=" + n + (trans ? ", A transposed" : "") + ")";
        if (m < 0 || n < 0) throw new IllegalArgumentException("sgemv sizes must be >= 0" + ctx);
        if (a == null || x == null || y == null) throw new IllegalArgumentException("sgemv arrays must be non-null" + ctx);
        if (lda < Math.max(1, n)) {
            throw new IllegalArgumentException("lda=" + lda + " is less than the row length " + n + " of A" + ctx);
        }
        if (incX == 0 || incY == 0) {
            throw new IllegalArgumentException("sgemv increments must be non-zero: incX=" + incX + " incY=" + incY + ctx);
        }
        if (offA < 0 || offX < 0 || offY < 0) {
            throw new IllegalArgumentException("sgemv offsets must be >= 0: offA=" + offA + " offX=" + offX + " offY="
                    + offY + ctx);
        }
        if (m > 0 && n > 0 && offA + (long) (m - 1) * lda + n > a.length) {
            throw new IllegalArgumentException("A (" + m + "x" + n + ", lda=" + lda + ", offA=" + offA + ") needs "
                    + (offA + (long) (m - 1) * lda + n) + " floats but the array has " + a.length + ctx);
        }
        checkVector("x", trans ? m : n, x, offX, incX, ctx);
        checkVector("y", trans ? n : m, y, offY, incY, ctx);
    }

    private static void checkVector(String name, int len, float[] v, int off, int inc, String ctx) {
        if (len == 0) return;
        long needed = off + (long) (len - 1) * Math.abs((long) inc) + 1;
        if (needed > v.length) {
            throw new IllegalArgumentException(name + " (" + len + " elements, inc " + inc + ", off " + off + ") needs "
                    + needed + " floats but the array has " + v.length + ctx);
        }
    }

    private static MemorySegment at(float[] arr, int off) {
        return MemorySegment.ofArray(arr).asSlice(off * 4L);
    }

    private static void scale(float beta, float[] c, int offC, int ldc, int m, int n) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int row = offC + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    private static OpenBlasLibrary lib() {
        OpenBlasLibrary.Loaded l = OpenBlasLibrary.get();
        if (l.lib() == null) throw new IllegalStateException("OpenBLAS is unavailable: " + l.failure());
        return l.lib();
    }
}

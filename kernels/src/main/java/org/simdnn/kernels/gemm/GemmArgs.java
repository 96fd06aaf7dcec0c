package org.simdnn.kernels.gemm;

/**
 * Validation of BLAS-style SGEMM arguments, shared by every GEMM entry point (ours and the native bridges):
 * a bad size must become an {@link IllegalArgumentException} here, never an out-of-bounds read in a kernel
 * or a crash in native code.
 */
public final class GemmArgs {
    private GemmArgs() {}

    public static void check(boolean transA, boolean transB, int m, int n, int k, float[] a, int offA, int lda,
                             float[] b, int offB, int ldb, float[] c, int offC, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm sizes must be >= 0: m=" + m + " n=" + n + " k=" + k);
        }
        if (a == null || b == null || c == null) {
            throw new IllegalArgumentException("sgemm arrays must be non-null: a=" + (a == null ? "null" : "ok") + " b="
                    + (b == null ? "null" : "ok") + " c=" + (c == null ? "null" : "ok"));
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        checkOperand("A", transA, aRows, aCols, a, offA, lda, m, n, k);
        checkOperand("B", transB, bRows, bCols, b, offB, ldb, m, n, k);
        checkOperand("C", false, m, n, c, offC, ldc, m, n, k);
    }

    private static void checkOperand(String name, boolean trans, int rows, int cols, float[] x, int off, int ld,
                                     int m, int n, int k) {
        // Messages are built only on failure: this runs on every call, including 8x8x8 ones that take ~20 ns.
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("ld" + name.toLowerCase() + "=" + ld + " is less than the row length "
                    + cols + " of " + name + " (" + rows + "x" + cols + ")" + ctx(name, trans, m, n, k));
        }
        if (off < 0) {
            throw new IllegalArgumentException("off" + name + "=" + off + " is negative" + ctx(name, trans, m, n, k));
        }
        if (rows == 0 || cols == 0) return;
        long needed = off + (long) (rows - 1) * ld + cols;
        if (needed > x.length) {
            throw new IllegalArgumentException(name + " (" + rows + "x" + cols + ", ld" + name.toLowerCase() + "=" + ld
                    + ", off" + name + "=" + off + ") needs " + needed + " floats but the array has " + x.length
                    + ctx(name, trans, m, n, k));
        }
    }

    private static String ctx(String name, boolean trans, int m, int n, int k) {
        return " (m=" + m + " n=" + n + " k=" + k + (trans ? ", " + name + " transposed" : "") + ")";
    }
}
